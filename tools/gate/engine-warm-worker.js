/**
 * A warm engine process: loads @pulumi/pulumi and @pulumi/aws once and runs engine-child.ts for
 * one request after another (tools/gate/engine-warm.ts sends them over the IPC channel, one at
 * a time). Each run starts from the state a fresh process would have:
 *
 * - the program's modules are required fresh: every require.cache entry outside node_modules is
 *   dropped (infra/**, engine-child.ts and the gate modules it loads, a caller's preloads and
 *   overlays), so module-level state of the program or of a hook is new;
 * - the SDK gets a new runtime store, as the Automation API's inline-program language server
 *   does for each run (sdk/nodejs/automation/server.ts `run`: `localState.withLocalStorage`,
 *   then `settings.resetOptions` and `runtimeConfig.setAllConfig`): a `LocalStore`
 *   (sdk/nodejs/runtime/state.ts), built after the run's PULUMI_* variables are set so that its
 *   config and options are the run's, holds the root stack resource (and with it the stack
 *   transformations, stack.ts `registerStackTransformation`), the monitor (engine-child.ts
 *   installs its mock monitor with settings.ts `setMockOptions`, which calls `resetOptions`),
 *   the pending-RPC chain and the leak candidates. The run executes inside
 *   `asyncLocalStorage.run(store, ...)`, so whatever the run started keeps reading its own
 *   store; the store is also the global one (state.ts `getStore` falls back to it outside any
 *   async context), so `beforeExit` handlers such as @pulumi/aws's s3 mixins register into it,
 *   as in a fresh process. Only what a package registers once at load (state.ts
 *   `getResourcePackages` / `getResourceModules`, kept in the global store) is carried over;
 * - the run ends as engine-child.ts ends a fresh process: on the second `beforeExit` (the IPC
 *   channel is unref'd while a run is in flight, so the loop can drain) it writes its result
 *   and calls `process.exit`, which here ends the run instead of the process; the listeners the
 *   run added to `process` are removed, and the SDK's runtime functions it wrapped restored.
 *
 * What cannot be reset in place is left to a fresh process (engine-warm.ts): ES module
 * programs (Node keeps every imported module for the life of the process) and a worker whose
 * run failed (a failed program may leave work in flight that would reach the next run).
 *
 * Input: the boot request (the loader's settings, as engine-boot.js reads them) in argv[2].
 * Plain JavaScript, like engine-boot.js: it sets up the loader everything else needs.
 */
"use strict";
const path = require("path");

require("./engine-boot.js");

const ENGINE_CHILD = path.join(__dirname, "engine-child.ts");
/** This process's loader: kept across runs (its transpile cache is keyed by content). */
const KEPT = new Set([__filename, path.join(__dirname, "engine-boot.js"), path.join(__dirname, "transpile-core.js")]);
/** The variables engine.ts sets for a run; anything else of the environment is the worker's. */
const RUN_ENV = /^(PULUMI_|NODE_PATH$)/;
const PROCESS_EVENTS = ["beforeExit", "exit", "unhandledRejection", "uncaughtException", "warning"];

function forgetRunModules() {
    for (const file of Object.keys(require.cache)) {
        if (!KEPT.has(file) && !file.split(path.sep).includes("node_modules")) delete require.cache[file];
    }
    // A kept module lists what it required (this worker lists each run's engine-child.ts): drop
    // the forgotten ones, or every run's modules, and what they hold, would stay reachable.
    for (const m of Object.values(require.cache)) {
        if (m) m.children = m.children.filter((c) => require.cache[c.id] === c);
    }
}

function setRunEnv(env) {
    for (const key of Object.keys(process.env)) if (RUN_ENV.test(key) && !(key in env)) delete process.env[key];
    for (const [key, value] of Object.entries(env)) if (RUN_ENV.test(key)) process.env[key] = value;
}

/** A new SDK store for the run, holding what packages registered at load. */
function freshStore(programDir) {
    const state = require(require.resolve("@pulumi/pulumi/runtime/state", { paths: [programDir, __dirname] }));
    const previous = state.getGlobalStore();
    const store = new state.LocalStore();
    store.resourcePackages = previous.resourcePackages;
    store.resourceModules = previous.resourceModules;
    global.globalStore = store;
    return store;
}

/**
 * The SDK's runtime functions as loaded: engine-child.ts wraps some of them for its run (the
 * invokes it answers as unknown), and each run must start from the originals, not stack its
 * wrapper on the last run's.
 */
function sdkRuntimeSnapshot(programDir) {
    const runtime = require(require.resolve("@pulumi/pulumi", { paths: [programDir, __dirname] })).runtime;
    const saved = new Map(Object.keys(runtime).map((k) => [k, runtime[k]]));
    return () => {
        for (const [k, v] of saved) if (runtime[k] !== v) runtime[k] = v;
    };
}

/** Runs engine-child.ts for `request`; resolves with the exit code it asked for. */
function runOnce(request, env) {
    forgetRunModules();
    setRunEnv(env);
    process.argv[2] = JSON.stringify(request);
    const store = freshStore(request.programDir);
    const restoreSdk = sdkRuntimeSnapshot(request.programDir);
    const listeners = new Map(PROCESS_EVENTS.map((e) => [e, new Set(process.listeners(e))]));
    const exit = process.exit;
    return new Promise((resolve) => {
        process.exit = (code) => resolve(code === undefined ? 0 : code);
        process.channel.unref();
        global.asyncLocalStorage.run(store, () => require(ENGINE_CHILD));
    }).finally(() => {
        restoreSdk();
        process.exit = exit;
        process.channel.ref();
        for (const [event, before] of listeners) {
            for (const l of process.listeners(event)) if (!before.has(l)) process.removeListener(event, l);
        }
    });
}

process.on("message", (message) => {
    runOnce(message.request, message.env).then(
        (code) => process.send({ code }),
        (e) => process.send({ code: 70, error: String((e && e.stack) || e) }),
    );
});
process.send({ ready: true });
