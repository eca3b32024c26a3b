/**
 * The child-process side of a mutation. The runner transpiles this file and the catalogue to
 * JavaScript once (run.ts, compileHooks) and writes two one-line shims per run,
 *
 *     module.exports = require("<this file>").preloadHook("<id>");
 *     module.exports = require("<this file>").overlayHook("<id>");
 *
 * and hands them to runProgram as `preloads` and `overlays`: the engine's child loads the
 * preload inside the stack before the program and the overlay after it (tools/gate/engine-child.ts).
 * Both shims resolve to this one module instance, so what the preload captured the overlay sees.
 *
 * The preload registers ONE stack transformation (`pulumi.runtime.registerStackTransformation`:
 * it runs in-process under the mock runtime, where `registerResourceTransform` is refused). It
 * records every resource by logical name, so later edits and overlays can wire to the program's
 * real resources (the internet gateway, a role, a route table), and it applies the `modify`.
 */
import type * as pulumiModule from "@pulumi/pulumi";
import { findChange } from "./catalogue";
import type { HookContext } from "./types";

const captured = new Map<string, pulumiModule.Resource>();
const capturedProps = new Map<string, Record<string, unknown>>();
const state = { applied: 0 };

function context(): HookContext {
    // The program's own copies: this file sits in the repository, so Node's upward search finds
    // the same node_modules as infra/ (one SDK instance, one mock monitor).
    const ctx: HookContext = {
        aws: require("@pulumi/aws"),
        pulumi: require("@pulumi/pulumi"),
        resource<R>(name: string): R {
            const r = captured.get(name);
            if (!r) throw new Error(`mutation hook: the program registered no resource named '${name}' (renamed?)`);
            return r as unknown as R;
        },
        props(name: string) {
            const p = capturedProps.get(name);
            if (!p) throw new Error(`mutation hook: the program registered no resource named '${name}' (renamed?)`);
            return { ...p };
        },
        exports: {},
    };
    return ctx;
}

/** The preload of mutation or control `id`: capture, and apply its `modify` as the target registers. */
export function preloadHook(id: string): () => void {
    return () => {
        const change = findChange(id);
        const ctx = context();
        ctx.pulumi.runtime.registerStackTransformation((args) => {
            captured.set(args.name, args.resource);
            capturedProps.set(args.name, args.props);
            if (change.kind !== "modify" || args.type !== change.target.type || args.name !== change.target.name) {
                return undefined;
            }
            state.applied++;
            const opts = change.options
                ? change.options(args.opts as pulumiModule.CustomResourceOptions, ctx)
                : args.opts;
            const props = change.modify(args.props, ctx);
            capturedProps.set(args.name, props);
            return { props, opts };
        });
        if (change.kind === "modify") change.setup?.(ctx);
    };
}

/** The overlay of `id`: prove the `modify` hit exactly one resource, or add the `add` resources. */
export function overlayHook(id: string): (exports: Record<string, pulumiModule.Output<unknown>>) => void {
    return (exports) => {
        const change = findChange(id);
        const ctx = context();
        ctx.exports = exports ?? {};
        if (change.kind === "modify") {
            // Every resource of the program is constructed synchronously while its module loads,
            // so by now the transformation has seen the target — or the target is gone.
            if (state.applied !== 1) {
                throw new Error(
                    `mutation ${id}: the transformation matched ${state.applied} resources of type ` +
                        `${change.target.type} named '${change.target.name}' (expected exactly 1): update the catalogue`,
                );
            }
            return;
        }
        change.add(ctx);
    };
}
