/** Shared filters for rule specs: decided findings of a policy, and its undecided advisories. */
import type { Violation } from "../../tools/gate/types";

export const of = (vs: Violation[], policy: string) => vs.filter((v) => v.policyName === policy && !v.undecided);
export const undecidedOf = (vs: Violation[], policy: string) => vs.filter((v) => v.policyName === policy && v.undecided);
