/**
 * Profiles: the same scenario at another size. `full` runs it as written;
 * `quick` multiplies its times and rates by the factors of the scenario's
 * `profiles.quick` block (default 0.5 each), for fast regression runs in CI.
 *
 * Scaled: `load.warmup`, `load.duration`, every rate step's `for`, every
 * fault's `at` and `for` (by `time`); every rate (by `rate`). Never scaled:
 * timeouts, `drain`, toxic attributes, message sizes, send bounds and
 * expectations — the effects a scenario shows depend on them.
 *
 * @example
 * ```ts
 * import { loadScenario } from "./load.ts";
 * import { applyProfile } from "./profile.ts";
 *
 * const plan = applyProfile(await loadScenario("scenarios/idempotent-vs-plain.yaml"), "quick");
 * console.log(plan.load.durationMs, plan.profile); // half the duration, "quick"
 * ```
 * @module
 */
import type { FaultPlan, Plan, ProfileName, ProfileScale, RateSchedule } from "./types.ts";

export type { ProfileName, ProfileScale } from "./types.ts";

/** Every profile name, `full` first. */
export const PROFILE_NAMES: readonly ProfileName[] = ["full", "quick"];

/** Scale factors of `quick` when the scenario does not give them. */
export const QUICK_PROFILE_DEFAULTS: Readonly<ProfileScale> = { time: 0.5, rate: 0.5 };

/** Whether `name` is a profile name. */
export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

/**
 * The plan in the given profile. Pure: `plan` is not changed.
 *
 * `full` returns `plan` itself, as does the profile the plan already has.
 * Otherwise times are rounded to whole milliseconds and positive rates to
 * whole events per second, at least 1/s (a rate already below 1/s is kept);
 * a rate of 0 stays 0. The result satisfies what the validator checks of any
 * plan: the load lasts at least 1 ms, every rate step lasts at least 1 ms and
 * starts before the load ends, every fault starts before the load ends, lasts
 * at least 1 ms and ends no later than the load; fault and step times keep
 * their order. Where rounding would break one of these rules (sub-millisecond
 * leftovers), the later time is moved by the missing millisecond.
 *
 * @throws {Error} when asked to scale a plan that is already in another
 *   non-full profile (factors do not compose).
 */
export function applyProfile(plan: Plan, profile: ProfileName): Plan {
  if (profile === "full" || profile === plan.profile) return plan;
  if (plan.profile !== "full") {
    throw new Error(`plan ${plan.name} is already in the ${plan.profile} profile`);
  }
  const scale = plan.profiles[profile];
  const out = structuredClone(plan);
  out.profile = profile;

  const time = (ms: number) => Math.round(ms * scale.time);
  const warmupMs = time(plan.load.warmupMs);
  // Times are scaled as instants from the load's start, so sums stay consistent.
  let endMs = Math.max(time(plan.load.warmupMs + plan.load.durationMs), warmupMs + 1);

  const rate = scaledRate(out.load.rate, scale.rate, time);
  if (rate.kind === "steps") {
    const lastStart = rate.steps.slice(0, -1).reduce((start, step) => start + step.forMs, 0);
    endMs = Math.max(endMs, lastStart + 1);
  }
  out.load.rate = rate;

  out.faults = out.faults.map((fault) => scaledFault(fault, time));
  for (const fault of out.faults) {
    endMs = Math.max(endMs, fault.atMs + 1, fault.atMs + (fault.forMs ?? 0));
  }
  out.load.warmupMs = warmupMs;
  out.load.durationMs = endMs - warmupMs;
  return out;
}

/** A rate in events/s scaled by `factor`: 0 stays 0, else whole, at least 1, at most `perSecond`. */
export function scaleRate(perSecond: number, factor: number): number {
  if (perSecond === 0) return 0;
  return Math.min(perSecond, Math.max(1, Math.round(perSecond * factor)));
}

function scaledRate(
  rate: RateSchedule,
  factor: number,
  time: (ms: number) => number,
): RateSchedule {
  switch (rate.kind) {
    case "constant":
      return { kind: "constant", perSecond: scaleRate(rate.perSecond, factor) };
    case "ramp":
      return { kind: "ramp", from: scaleRate(rate.from, factor), to: scaleRate(rate.to, factor) };
    case "steps": {
      // Scale each step's start and end instant; a step keeps at least 1 ms.
      let start = 0;
      let scaledStart = 0;
      const steps = rate.steps.map((step) => {
        const end = start + step.forMs;
        const scaledEnd = Math.max(time(end), scaledStart + 1);
        const scaled = {
          perSecond: scaleRate(step.perSecond, factor),
          forMs: scaledEnd - scaledStart,
        };
        start = end;
        scaledStart = scaledEnd;
        return scaled;
      });
      return { kind: "steps", steps };
    }
  }
}

function scaledFault(fault: FaultPlan, time: (ms: number) => number): FaultPlan {
  const atMs = time(fault.atMs);
  const forMs = fault.forMs === null
    ? null
    : Math.max(time(fault.atMs + fault.forMs), atMs + 1) - atMs;
  return { ...fault, atMs, forMs };
}
