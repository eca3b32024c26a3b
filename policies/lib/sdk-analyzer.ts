/**
 * Analyze and AnalyzeStack answered with what describes the resources built once per call and
 * shared by every policy, instead of once per policy.
 *
 * @pulumi/policy 1.21 (server.js, makeAnalyzeRpcFun and makeAnalyzeStackRpcFun) builds, for
 * EACH policy, its own description of the resources it judges: a props proxy, options, provider,
 * two closures, and for AnalyzeStack dependencies and parents resolved to objects. With this
 * pack's 42 stack policies over 10,000 resources that is 420,000 objects per AnalyzeStack call,
 * and building and collecting them was most of the pack's AnalyzeStack time; each Analyze call
 * builds one per resource policy (107). Both handlers are local to server.js, out of reach of a
 * patch of an exported function, so this module replaces the ones the SDK hands to gRPC: `serve`
 * (exported, and called through the module object by policy.js's PolicyPack) is wrapped so that,
 * while it registers the analyzer service, `analyze` and `analyzeStack` become `sharedAnalyze`
 * and `sharedAnalyzeStack` below, and `configure` and `configureStack` also record what the SDK's
 * module-private state holds (the policy config and the stack tags), which the handlers need.
 * Every other method stays the SDK's own.
 *
 * The two handlers mirror server.js line for line (the enforcement level from config, then the
 * policy's, then the pack's; "remediate" reported as "mandatory"; a remediation-only policy and
 * the type fast path reported not applicable; an unknown value read during preview reported as
 * an advisory "can't run ..."; notApplicable(); any other throw failing the call), with one
 * difference: the description is built once, by the first policy that runs, and the same frozen
 * objects are handed to every later one. A policy that wrote into them would throw (a finding
 * naming the error, or a failed call) instead of changing what the next policy reads; this
 * pack's rules only read (lib/rule.ts), like the props that lib/sdk-memo.ts shares.
 *
 * Guarded by lib/sdk-guard.ts (the exact SDK build, including server.js, policy.js and
 * protoutil.js whose code is mirrored or called here); test/policies/lib/sdk-patches.spec.ts
 * checks each handler against the SDK's own, branch by branch, and patched against unpatched packs.
 */
import { checkSdk, Fingerprint, PatchMode, patchMode, sdkDir, sdkModule, VERIFIED } from "./sdk-guard";

type Level = "advisory" | "mandatory" | "remediate" | "disabled";
type Callback = (err: unknown, resp?: unknown) => void;
type Handler = (call: { request: any }, callback: Callback) => unknown;
type Serve = (name: string, version: string, level: Level, args: { policies?: any[] }, initial?: unknown) => void;

interface Sdk {
    server: { serve: Serve };
    policy: {
        isStackPolicy(p: unknown): boolean;
        isResourcePolicy(p: unknown): boolean;
        getPulumiType(o: unknown): string | undefined;
    };
    protoutil: {
        asGrpcError(e: unknown, message?: string): Error;
        convertEnforcementLevel(el: number): Level;
        makeAnalyzeResponse(ds: unknown[], notApplicable: unknown[] | undefined): unknown;
    };
    proxy: { unknownCheckingProxy(o: unknown): any; UnknownValueError: new (...a: any[]) => Error };
    deserialize: { deserializeProperties(struct: unknown, proxySecrets: boolean): Record<string, unknown> };
    analyzerproto: any;
    analyzerrpc: any;
    grpc: any;
}

function loadSdk(): Sdk {
    // The protobuf classes and gRPC must be the copies the SDK itself loads.
    const fromSdk = (id: string) => require(require.resolve(id, { paths: [sdkDir()] }));
    return {
        server: sdkModule("server.js"),
        policy: sdkModule("policy.js"),
        protoutil: sdkModule("protoutil.js"),
        proxy: sdkModule("proxy.js"),
        deserialize: sdkModule("deserialize.js"),
        analyzerproto: fromSdk("@pulumi/pulumi/proto/analyzer_pb"),
        analyzerrpc: fromSdk("@pulumi/pulumi/proto/analyzer_grpc_pb"),
        grpc: fromSdk("@grpc/grpc-js"),
    };
}

/** What the SDK keeps in module-private variables, recorded as its configure calls set them. */
interface ServedState {
    config: Record<string, Record<string, unknown>>;
    stackTags: ReadonlyMap<string, string>;
}

/** What a handler is built over: the SDK, the recorded state, the pack and its policies. */
interface Served {
    sdk: Sdk;
    state: ServedState;
    packName: string;
    packVersion: string;
    packLevel: Level;
    policies: any[];
}

/** server.js: a policy's level is the config's, else the policy's own, else the pack's. */
function levelOf(served: Served, p: any): Level {
    return served.state.config[p.name]?.enforcementLevel || p.enforcementLevel || served.packLevel;
}

/** server.js freezeMap: a read-only view of the stack tags. */
function freezeMap<K, V>(map: Map<K, V>): ReadonlyMap<K, V> {
    return Object.freeze({
        entries: map.entries.bind(map),
        forEach: map.forEach.bind(map),
        get: map.get.bind(map),
        has: map.has.bind(map),
        keys: map.keys.bind(map),
        size: map.size,
        values: map.values.bind(map),
        [Symbol.iterator]: map[Symbol.iterator].bind(map),
    }) as unknown as ReadonlyMap<K, V>;
}

class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableError(reason);
}

/** server.js makeGetConfigFun: the policy's config without its enforcement level. */
function getConfigOf(state: ServedState, policyName: string) {
    return () => {
        const c = state.config[policyName];
        if (!c) return {};
        // eslint-disable-next-line @typescript-eslint/no-unused-vars
        const { enforcementLevel, ...properties } = c;
        return properties;
    };
}

/** server.js pushNotApplicable. */
function pushNotApplicable(sdk: Sdk, list: unknown[] | undefined, policyName: string, reason?: string): unknown[] {
    const na = new sdk.analyzerproto.PolicyNotApplicable();
    na.setPolicyName(policyName);
    if (reason) na.setReason(reason);
    (list ??= []).push(na);
    return list;
}

/** server.js makeReportViolationFun. */
function reportViolationFor(
    p: any,
    packName: string,
    packVersion: string,
    enforcementLevel: Level,
    ds: Record<string, unknown>[],
) {
    const { name: policyName, description, severity } = p;
    return (message?: unknown, urn?: string) => {
        if (typeof message === "object" && message !== null) {
            const info = message as Record<string, any>;
            ds.push({
                policyName: info.name || policyName,
                policyPackName: packName,
                policyPackVersion: packVersion,
                message: info.message || info.description || description,
                urn: info.urn,
                description: info.description || description,
                enforcementLevel: info.enforcementLevel || enforcementLevel,
                severity: info.severity || severity,
            });
            return;
        }
        let violationMessage = description;
        if (message) violationMessage += `\n${message}`;
        ds.push({
            policyName,
            policyPackName: packName,
            policyPackVersion: packVersion,
            message: violationMessage,
            urn,
            description,
            enforcementLevel,
            severity,
        });
    };
}

/** server.js getResourceOptions and getCustomTimeouts. */
function optionsOf(r: any): Record<string, unknown> {
    const opts = r.getOptions();
    if (!opts) {
        throw new Error(
            "A more recent version of the Pulumi CLI is required. " +
                "To upgrade, see https://www.pulumi.com/docs/get-started/install/",
        );
    }
    const timeouts = opts.getCustomtimeouts();
    const result: Record<string, unknown> = {
        protect: opts.getProtect(),
        ignoreChanges: opts.getIgnorechangesList(),
        aliases: opts.getAliasesList(),
        customTimeouts: {
            createSeconds: timeouts?.getCreate() ?? 0.0,
            updateSeconds: timeouts?.getUpdate() ?? 0.0,
            deleteSeconds: timeouts?.getDelete() ?? 0.0,
        },
        additionalSecretOutputs: opts.getAdditionalsecretoutputsList(),
    };
    if (opts.getDeletebeforereplacedefined()) result.deleteBeforeReplace = opts.getDeletebeforereplace();
    if (opts.getParent()) result.parent = opts.getParent();
    return result;
}

/** server.js getProviderResource. */
function providerOf(sdk: Sdk, r: any): Record<string, unknown> | undefined {
    const prov = r.getProvider();
    if (!prov) return undefined;
    const props = sdk.proxy.unknownCheckingProxy(sdk.deserialize.deserializeProperties(prov.getProperties(), false));
    return { type: prov.getType(), props, urn: prov.getUrn(), name: prov.getName() };
}

/** server.js isTypeOf. */
function isTypeOf(sdk: Sdk, type: string, resourceClass: any): boolean {
    const pulumiType = sdk.policy.getPulumiType(resourceClass);
    if (pulumiType) return type === pulumiType;
    const isInstance = resourceClass.isInstance;
    return !!isInstance && typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/**
 * The resources of an AnalyzeStack request as server.js builds them for a stack policy (its
 * loop over `resources`, then parents and dependencies resolved to the objects), frozen.
 */
function buildStackResources(sdk: Sdk, resources: any[]): readonly Record<string, any>[] {
    const intermediates = resources.map((r) => {
        const type: string = r.getType();
        const props = sdk.proxy.unknownCheckingProxy(sdk.deserialize.deserializeProperties(r.getProperties(), false));
        const resource: Record<string, any> = {
            type,
            props,
            urn: r.getUrn(),
            name: r.getName(),
            opts: optionsOf(r),
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass: unknown) => isTypeOf(sdk, type, resourceClass),
            asType: (resourceClass: unknown) => (isTypeOf(sdk, type, resourceClass) ? props : undefined),
        };
        const provider = providerOf(sdk, r);
        if (provider) resource.provider = provider;
        const propertyDependencies: Record<string, string[]> = {};
        const map = r.getPropertydependenciesMap();
        if (map) for (const [k, v] of map.entries()) propertyDependencies[k] = v.getUrnsList();
        return { resource, parent: r.getParent(), dependencies: r.getDependenciesList(), propertyDependencies };
    });
    const byUrn = new Map<string, Record<string, any>>();
    for (const i of intermediates) byUrn.set(i.resource.urn, i.resource);
    const resolve = (urns: string[]) => urns.map((d) => byUrn.get(d)).filter((d) => d);
    for (const i of intermediates) {
        if (i.parent) {
            const parent = byUrn.get(i.parent);
            if (parent) i.resource.parent = parent;
        }
        i.resource.dependencies = resolve(i.dependencies);
        for (const k of Object.keys(i.propertyDependencies)) {
            i.resource.propertyDependencies[k] = resolve(i.propertyDependencies[k]!);
        }
    }
    for (const { resource } of intermediates) {
        Object.freeze(resource.opts);
        Object.freeze(resource.dependencies);
        Object.freeze(resource.propertyDependencies);
        Object.freeze(resource);
    }
    return Object.freeze(intermediates.map((i) => i.resource));
}

/**
 * What server.js does when a policy throws: an unknown value read during preview becomes an
 * advisory "can't run" diagnostic, notApplicable() an entry of the not-applicable list, and
 * anything else fails the whole call. Returns the not-applicable list.
 */
function settleThrow(
    { sdk, packName, packVersion }: Served,
    e: unknown,
    p: any,
    validateKey: "validateResource" | "validateStack",
    ds: Record<string, unknown>[],
    notApplicable: unknown[] | undefined,
): unknown[] | undefined {
    const policyFrom = `policy '${p.name}' from policy pack '${packName}@v${packVersion}'`;
    if (e instanceof sdk.proxy.UnknownValueError) {
        // eslint-disable-next-line @typescript-eslint/no-unused-vars
        const { [validateKey]: validate, name, ...diag } = p;
        ds.push({
            policyName: name,
            policyPackName: packName,
            policyPackVersion: packVersion,
            message: `can't run ${policyFrom} during preview: ${e.message}`,
            ...diag,
            enforcementLevel: "advisory",
        });
        return notApplicable;
    }
    if (e instanceof NotApplicableError) return pushNotApplicable(sdk, notApplicable, p.name, e.reason);
    throw sdk.protoutil.asGrpcError(e, `Error validating resource with ${policyFrom}`);
}

/**
 * The parts of an Analyze request every resource policy is handed (server.js makeAnalyzeRpcFun
 * builds them per policy): the props proxy, options, provider, type tests; frozen, shared.
 */
function analyzedResource(sdk: Sdk, req: any): Record<string, any> {
    const type: string = req.getType();
    const props = sdk.proxy.unknownCheckingProxy(sdk.deserialize.deserializeProperties(req.getProperties(), false));
    const provider = providerOf(sdk, req);
    return Object.freeze({
        type,
        props,
        urn: req.getUrn(),
        name: req.getName(),
        opts: Object.freeze(optionsOf(req)),
        isType: (resourceClass: unknown) => isTypeOf(sdk, type, resourceClass),
        asType: (resourceClass: unknown) => (isTypeOf(sdk, type, resourceClass) ? props : undefined),
        provider: provider && Object.freeze(provider),
    });
}

/** server.js's type fast path: the policy names one type and the call has none of it. */
function notForThisType(sdk: Sdk, list: unknown[] | undefined, p: any, pulumiType: string): unknown[] {
    return pushNotApplicable(sdk, list, p.name, `Policy only applies to resources of type '${pulumiType}'`);
}

/**
 * The frame both handlers of server.js share: `judge` fills the diagnostics and returns the
 * not-applicable list; a throw out of it fails the call, else the response is encoded.
 */
async function respond(
    sdk: Sdk,
    callback: Callback,
    judge: (ds: Record<string, unknown>[]) => Promise<unknown[] | undefined>,
): Promise<void> {
    const ds: Record<string, unknown>[] = [];
    let notApplicable: unknown[] | undefined;
    try {
        notApplicable = await judge(ds);
    } catch (err) {
        callback(err, undefined);
        return;
    }
    callback(undefined, sdk.protoutil.makeAnalyzeResponse(ds, notApplicable));
}

/** makeAnalyzeRpcFun of server.js, with what describes the resource built once per call. */
function sharedAnalyze(served: Served): Handler {
    const { sdk, state, packName, packVersion, policies } = served;
    return (call, callback) =>
        respond(sdk, callback, async (ds) => {
            const req = call.request;
            const type: string = req.getType();
            let notApplicable: unknown[] | undefined;
            let resource: Record<string, any> | undefined;
            for (const p of policies) {
                let level = levelOf(served, p);
                if (level === "disabled" || !sdk.policy.isResourcePolicy(p)) continue;
                if (!p.validateResource) {
                    // A remediation-only policy.
                    const reason = "Policy does not implement validateResource";
                    notApplicable = pushNotApplicable(sdk, notApplicable, p.name, reason);
                    continue;
                }
                // A remediated resource that still violates is reported as mandatory.
                if (level === "remediate") level = "mandatory";
                if (!Array.isArray(p.validateResource)) {
                    const pulumiType = sdk.policy.getPulumiType(p.validateResource);
                    if (pulumiType && type !== pulumiType) {
                        notApplicable = notForThisType(sdk, notApplicable, p, pulumiType);
                        continue;
                    }
                }
                const reportViolation = reportViolationFor(p, packName, packVersion, level, ds);
                const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
                for (const validation of validations) {
                    try {
                        resource ??= analyzedResource(sdk, req);
                        const args: Record<string, unknown> = {
                            type: resource.type,
                            props: resource.props,
                            urn: resource.urn,
                            name: resource.name,
                            opts: resource.opts,
                            stackTags: state.stackTags,
                            isType: resource.isType,
                            asType: resource.asType,
                            getConfig: getConfigOf(state, p.name),
                            notApplicable: throwNotApplicable,
                        };
                        if (resource.provider) args.provider = resource.provider;
                        await Promise.resolve(validation(args, reportViolation));
                    } catch (e) {
                        notApplicable = settleThrow(served, e, p, "validateResource", ds, notApplicable);
                    }
                }
            }
            return notApplicable;
        });
}

/** makeAnalyzeStackRpcFun of server.js, with the resources built once per call. */
function sharedAnalyzeStack(served: Served): Handler {
    const { sdk, state, packName, packVersion, policies } = served;
    return (call, callback) =>
        respond(sdk, callback, async (ds) => {
            const resources: any[] = call.request.getResourcesList();
            let notApplicable: unknown[] | undefined;
            let built: readonly Record<string, any>[] | undefined;
            for (const p of policies) {
                let level = levelOf(served, p);
                if (level === "disabled" || !sdk.policy.isStackPolicy(p)) continue;
                // Stack policies cannot be remediated, so treat the level as mandatory.
                if (level === "remediate") level = "mandatory";
                const pulumiType = sdk.policy.getPulumiType(p.validateStack);
                if (pulumiType && !resources.some((r) => r.getType() === pulumiType)) {
                    notApplicable = notForThisType(sdk, notApplicable, p, pulumiType);
                    continue;
                }
                const reportViolation = reportViolationFor(p, packName, packVersion, level, ds);
                try {
                    built ??= buildStackResources(sdk, resources);
                    const args = {
                        resources: built,
                        getConfig: getConfigOf(state, p.name),
                        stackTags: state.stackTags,
                        notApplicable: throwNotApplicable,
                    };
                    await Promise.resolve(p.validateStack(args, reportViolation));
                } catch (e) {
                    notApplicable = settleThrow(served, e, p, "validateStack", ds, notApplicable);
                }
            }
            return notApplicable;
        });
}

/** The SDK's `configure` and `configureStack`, also recording what they set into `state`. */
function recordingConfigure(sdk: Sdk, state: ServedState, impl: Record<string, Handler>): void {
    const configure = impl.configure!;
    impl.configure = (call, callback) => {
        try {
            const config: ServedState["config"] = {};
            for (const [k, v] of call.request.getPolicyconfigMap().entries()) {
                const props = v.getProperties().toJavaScript();
                props.enforcementLevel = sdk.protoutil.convertEnforcementLevel(v.getEnforcementlevel());
                config[k] = props;
            }
            state.config = config;
        } catch {
            // The SDK's own handler fails the same way and answers the error; its state is unchanged too.
        }
        return configure(call, callback);
    };
    const configureStack = impl.configureStack!;
    impl.configureStack = (call, callback) => {
        try {
            const map = new Map<string, string>();
            call.request.getTagsMap().forEach((v: string, k: string) => map.set(k, v));
            state.stackTags = freezeMap(map);
        } catch {
            // As above: the SDK answers the error and keeps its tags.
        }
        return configureStack(call, callback);
    };
}

/**
 * What the wrapped `serve` does to the analyzer service's implementation before gRPC gets it:
 * `configure` and `configureStack` also record their state, `analyzeStack` is the shared one.
 */
export function patchAnalyzerService(
    impl: Record<string, Handler>,
    packName: string,
    packVersion: string,
    packLevel: Level,
    policies: any[],
    sdk: Sdk = loadSdk(),
): void {
    const state: ServedState = { config: {}, stackTags: freezeMap(new Map()) };
    recordingConfigure(sdk, state, impl);
    const served: Served = { sdk, state, packName, packVersion, packLevel, policies };
    impl.analyze = sharedAnalyze(served);
    impl.analyzeStack = sharedAnalyzeStack(served);
}

let installed: { server: Sdk["server"]; serve: Serve } | undefined;

/**
 * Wraps the SDK's `serve` so that the pack's gRPC server answers AnalyzeStack with
 * `sharedAnalyzeStack`, when the SDK is the verified build. Call before the PolicyPack is built.
 */
export function installSharedAnalyzer(
    expected: Fingerprint = VERIFIED,
    mode: PatchMode = patchMode(),
): "installed" | "disabled" | "unverified SDK" {
    if (installed && mode !== "off") return "installed";
    const verdict = checkSdk("the shared AnalyzeStack resources", expected, mode);
    if (verdict !== "install") return verdict;
    const sdk = loadSdk();
    const serve = sdk.server.serve;
    sdk.server.serve = (name, version, level, args, initial) => {
        const Server = sdk.grpc.Server;
        const addService = Server.prototype.addService;
        let patched = false;
        Server.prototype.addService = function (service: unknown, impl: Record<string, Handler>) {
            if (service === sdk.analyzerrpc.AnalyzerService) {
                patchAnalyzerService(impl, name, version, level, args.policies ?? [], sdk);
                patched = true;
            }
            return addService.call(this, service, impl);
        };
        try {
            serve(name, version, level, args, initial);
        } finally {
            Server.prototype.addService = addService;
        }
        // The SDK registered its service through another gRPC or protobuf copy than the ones
        // resolved here: the pack runs unpatched (correct, only slower), unless patches are required.
        if (!patched && mode === "require") {
            throw new Error("SECURE_WEB_APP_POLICY_SDK_PATCHES=require, but the analyzer service was not patched");
        }
    };
    installed = { server: sdk.server, serve };
    return "installed";
}

/** Puts the SDK's own `serve` back (tests). */
export function uninstallSharedAnalyzer(): void {
    if (!installed) return;
    installed.server.serve = installed.serve;
    installed = undefined;
}
