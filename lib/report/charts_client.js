// Draws the charts of a sismo report with uPlot (inlined before this script).
// The chart data comes from the JSON block #sismo-charts, computed by lib/report/charts.ts.
(function drawSismoCharts() {
  const data = JSON.parse(document.getElementById("sismo-charts").textContent);
  const uPlot = globalThis.uPlot;
  const ratio = uPlot.pxRatio || 1;
  const numberFormats = {};
  const num = (value, digits) => {
    const key = String(digits);
    numberFormats[key] ??= new Intl.NumberFormat(data.locale, { maximumFractionDigits: digits });
    return numberFormats[key].format(value);
  };
  // Decimals a tick needs at this step between ticks: 0 from 1 up, 1 for 0.5, 2 for 0.25…
  const digitsFor = (step) =>
    step > 0 && step < 1 ? Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)) : 0;
  // Ticks in the report's language (1 000 and 0,5 in French), whatever the browser's.
  const linearTicks = (_u, splits, _axis, _space, step) =>
    splits.map((v) => num(v, digitsFor(step)));
  const logTicks = (_u, splits) => splits.map((v) => num(v, v < 1 ? 3 : v < 10 ? 1 : 0));
  const percent = new Intl.NumberFormat(data.locale, {
    style: "percent",
    maximumFractionDigits: 6,
  });
  // x = 1/(1-p): 1 -> 0%, 10 -> 90%, 100 -> 99%, 1000 -> 99.9%.
  const percentLabel = (x) => percent.format(1 - 1 / x);
  const latencyLabel = (v) => v == null ? "—" : `${num(v, v < 10 ? 2 : v < 100 ? 1 : 0)} ms`;
  const decades = (_u, _axis, min, max) => {
    const splits = [];
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
      const v = 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) splits.push(v);
    }
    return splits;
  };

  function shadeBands(u, bands) {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    for (const band of bands) {
      const x0 = Math.max(left, u.valToPos(band.from, "x", true));
      const x1 = Math.min(left + width, u.valToPos(band.to, "x", true));
      if (x1 <= x0) continue;
      ctx.fillStyle = `rgba(${band.rgb}, ${band.kind === "fault" ? 0.16 : 0.1})`;
      ctx.fillRect(x0, top, x1 - x0, height);
      if (band.kind !== "fault") continue;
      ctx.strokeStyle = `rgba(${band.rgb}, 0.75)`;
      ctx.lineWidth = ratio;
      ctx.setLineDash([4 * ratio, 3 * ratio]);
      ctx.beginPath();
      ctx.moveTo(x0, top);
      ctx.lineTo(x0, top + height);
      ctx.moveTo(x1, top);
      ctx.lineTo(x1, top + height);
      ctx.stroke();
    }
    ctx.restore();
  }

  function labelBands(u, bands) {
    const ctx = u.ctx;
    const { left, top, width } = u.bbox;
    ctx.save();
    ctx.font = `600 ${13 * ratio}px system-ui, sans-serif`;
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    for (const band of bands) {
      const x0 = Math.max(left, u.valToPos(band.from, "x", true));
      const x1 = Math.min(left + width, u.valToPos(band.to, "x", true));
      const room = x1 - x0 - 8 * ratio;
      if (room <= 0) continue;
      // Inside its band: the numbered label when it fits, else the number alone (the legend
      // under the chart says which fault it is), else nothing.
      const full = band.kind === "fault" ? `${band.number}. ${band.label}` : band.label;
      const text = ctx.measureText(full).width <= room
        ? full
        : band.kind === "fault" && ctx.measureText(String(band.number)).width <= room
        ? String(band.number)
        : "";
      if (!text) continue;
      // The band's colour darkened, so that the text reads on a projector.
      const dark = band.rgb.split(",").map((v) => Math.round(Number(v) * 0.6)).join(", ");
      ctx.fillStyle = band.kind === "fault" ? `rgb(${dark})` : "#59636e";
      ctx.fillText(text, x0 + 4 * ratio, top + (4 + 16 * band.lane) * ratio);
    }
    ctx.restore();
  }

  function options(spec, width) {
    const percentile = spec.xKind === "percentile";
    const axisFont = "14px system-ui, sans-serif";
    const labelFont = "600 14px system-ui, sans-serif";
    const series = [{
      label: percentile ? spec.xLabel : "t",
      value: (_u, v) =>
        v == null ? "—" : percentile ? percentLabel(v) : `${num(v - 0.5, 0)}–${num(v + 0.5, 0)} s`,
    }];
    for (const s of spec.series) {
      const entry = {
        label: s.label,
        stroke: s.color,
        width: s.width ?? 2,
        dash: s.dash,
        spanGaps: false,
        points: { show: false },
        value: (_u, v) => spec.yLog || percentile ? latencyLabel(v) : (v == null ? "—" : num(v, 0)),
      };
      if (s.bars) {
        entry.fill = s.color + "99";
        entry.width = 0;
        entry.paths = uPlot.paths.bars({ size: [0.7, 40] });
      }
      series.push(entry);
    }
    return {
      width,
      height: 340,
      series,
      scales: {
        x: percentile
          ? { time: false, distr: 3, log: 10, range: () => [1, spec.x[spec.x.length - 1]] }
          : { time: false },
        y: spec.yLog
          ? { distr: 3, log: 10 }
          : { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
      },
      axes: [
        {
          label: spec.xLabel,
          font: axisFont,
          labelFont,
          size: 44,
          splits: percentile ? decades : undefined,
          values: percentile ? (_u, splits) => splits.map(percentLabel) : linearTicks,
          grid: { stroke: "#d0d7de", width: 1 },
        },
        {
          label: spec.yLabel,
          font: axisFont,
          labelFont,
          size: 72,
          splits: spec.yLog ? decades : undefined,
          values: spec.yLog ? logTicks : linearTicks,
          grid: { stroke: "#d0d7de", width: 1 },
        },
      ],
      legend: { live: true },
      cursor: { points: { size: 8 } },
      hooks: {
        drawClear: [(u) => shadeBands(u, spec.bands)],
        draw: [(u) => labelBands(u, spec.bands)],
      },
    };
  }

  const plots = [];
  for (const spec of data.charts) {
    const element = document.getElementById(spec.id);
    if (!element) continue;
    const width = Math.max(320, element.clientWidth || 900);
    const plot = new uPlot(
      options(spec, width),
      [spec.x, ...spec.series.map((s) => s.values)],
      element,
    );
    element.dataset.drawn = "true";
    plots.push({ plot, element });
  }
  globalThis.addEventListener("resize", () => {
    for (const { plot, element } of plots) {
      plot.setSize({ width: Math.max(320, element.clientWidth), height: 340 });
    }
  });
})();
