/**
 * The mutation catalogue: one file per family (and one for the negative controls). The runner
 * and the hooks find every mutation and control here by id.
 */
import type { Change, Control, Mutation } from "../types";
import { controls } from "./controls";
import { mutations as dataStores } from "./data-stores";
import { mutations as encryption } from "./encryption";
import { mutations as endpoints } from "./endpoints";
import { mutations as extra } from "./extra";
import { mutations as iam } from "./iam";
import { mutations as privateSubnets } from "./private-subnets";
import { mutations as s3Public } from "./s3-public";

export const mutations: Mutation[] = [
    ...s3Public,
    ...encryption,
    ...privateSubnets,
    ...iam,
    ...endpoints,
    ...extra,
    ...dataStores,
];
export { controls };

/** The mutation or control `id` (throws for an unknown id). */
export function findChange(id: string): Change & { id: string } {
    const found: Mutation | Control | undefined =
        mutations.find((m) => m.id === id) ?? controls.find((c) => c.id === id);
    if (!found) throw new Error(`no mutation or control '${id}' in tools/mutation/catalogue`);
    return found;
}
