/**
 * The files inlined into every HTML report: uPlot's minified script and
 * stylesheet, read from the pinned npm package (`uplot` in `deno.json`), and
 * sismo's own chart script. Read once per process.
 *
 * @module
 */
import { createRequire } from "node:module";

/** Script and style text to inline. */
export interface ChartAssets {
  uplotJs: string;
  uplotCss: string;
  chartsJs: string;
}

let cached: ChartAssets | null = null;

function readPackageFile(specifier: string): string {
  try {
    const require = createRequire(import.meta.url);
    return Deno.readTextFileSync(require.resolve(specifier));
  } catch (error) {
    throw new Error(
      `cannot read ${specifier} to inline into the HTML report; run \`deno install\` first`,
      { cause: error },
    );
  }
}

/** The inlined assets; throws with a hint to run `deno install` when uPlot is not in the npm cache. */
export function chartAssets(): ChartAssets {
  cached ??= {
    uplotJs: readPackageFile("uplot/dist/uPlot.iife.min.js"),
    uplotCss: readPackageFile("uplot/dist/uPlot.min.css"),
    chartsJs: Deno.readTextFileSync(new URL("./charts_client.js", import.meta.url)),
  };
  return cached;
}
