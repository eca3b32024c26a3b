/**
 * The pack's guarded patches of @pulumi/policy (policies/lib/sdk-guard.ts): the memo of the
 * per-policy deserialization (sdk-memo.ts) and the AnalyzeStack resources built once per call
 * (sdk-analyzer.ts). Each must leave reports exactly as the unpatched SDK gives them.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sdkFingerprint, VERIFIED } from "../../../policies/lib/sdk-guard";
import { installDeserializationMemo, memoised, uninstallDeserializationMemo } from "../../../policies/lib/sdk-memo";
import {
    installSharedAnalyzer,
    patchAnalyzerService,
    uninstallSharedAnalyzer,
} from "../../../policies/lib/sdk-analyzer";
import { PackClient } from "../../../tools/gate/analyzer";
import { generateStack, stackExport } from "../../../tools/gate/bench/generate";
import { readStackExport } from "../../../tools/gate/stack-export";
import { SECRET_SIG, SECRET_SIG_KEY } from "../../../tools/gate/types";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import type { ResourceRecord, Violation } from "../../../tools/gate/types";
import { network, PackHarness, startPack, toRecords, withProps } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

/** The records of a generated stack export of `count` resources (the benchmark's generator). */
function generatedStack(count: number): ResourceRecord[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdk-patches-"));
    try {
        const file = path.join(dir, "stack.json");
        fs.writeFileSync(file, JSON.stringify(stackExport(generateStack(count))));
        return readStackExport(file).resources;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("the guard of the SDK patches", () => {
    it("was verified against the installed @pulumi/policy (if this fails, the SDK changed underneath)", () => {
        // Re-read server.js (makeAnalyzeRpcFun and makeAnalyzeStackRpcFun: deserializeProperties per
        // policy; makeAnalyzeStackRpcFun and its helpers, mirrored by sdk-analyzer.ts), policy.js, protoutil.js,
        // proxy.js and deserialize.js; check the patches still mirror them; then update VERIFIED.
        expect(sdkFingerprint()).to.deep.equal(VERIFIED);
    });

    /** Each patch: how to install and remove it, and the SDK function it replaces while installed. */
    const patches = [
        {
            what: "the shared analyzer handlers",
            install: installSharedAnalyzer,
            uninstall: uninstallSharedAnalyzer,
            patched: () => require("@pulumi/policy/server").serve,
        },
        {
            what: "the deserialization memo",
            install: installDeserializationMemo,
            uninstall: uninstallDeserializationMemo,
            patched: () => require("@pulumi/policy/deserialize").deserializeProperties,
        },
    ];
    for (const patch of patches) {
        it(`leaves an SDK it was not verified against unpatched, or refuses when required: ${patch.what}`, () => {
            const before = patch.patched();
            const other = { version: "v1.22.0", files: { "server.js": "0".repeat(64) } };
            expect(patch.install(other, "")).to.equal("unverified SDK");
            expect(patch.patched()).to.equal(before);
            expect(() => patch.install(other, "require")).to.throw(/not the v1.22.0 build/);
            expect(patch.install(VERIFIED, "off")).to.equal("disabled");
            expect(patch.patched()).to.equal(before);
            try {
                expect(patch.install(VERIFIED, "")).to.equal("installed");
                expect(patch.patched()).to.not.equal(before);
            } finally {
                patch.uninstall();
            }
            expect(patch.patched()).to.equal(before);
        });
    }
});

describe("the deserialization memo of @pulumi/policy", function () {
    this.timeout(300_000);

    it("deserializes a Struct once and hands every caller the same deep-frozen result", () => {
        let calls = 0;
        const real = (s: unknown) => {
            calls++;
            return JSON.parse(JSON.stringify((s as { data: unknown }).data));
        };
        const memo = memoised(real);
        const struct = { data: { a: [1, { b: "x" }], c: null } };
        const first = memo(struct, false);
        expect(memo(struct, false)).to.equal(first);
        expect(calls).to.equal(1);
        // A policy that writes into its props throws (strict mode) and changes nothing others read.
        expect(() => {
            first.a = "written by a policy";
        }).to.throw(TypeError);
        expect(() => {
            ((first.a as unknown[])[1] as Record<string, unknown>).b = "y";
        }).to.throw(TypeError);
        expect(() => {
            (first.a as unknown[]).push(2);
        }).to.throw(TypeError);
        expect(memo(struct, false)).to.deep.equal({ a: [1, { b: "x" }], c: null });
        // Another Struct (another resource, or the next request) is deserialized on its own.
        expect(memo({ data: { a: 1 } }, false)).to.deep.equal({ a: 1 });
        expect(calls).to.equal(2);
        // proxySecrets (the remediation path) and non-plain values always go to the SDK.
        const secretsCall = memo(struct, true);
        expect(calls).to.equal(3);
        expect(Object.isFrozen(secretsCall)).to.equal(false);
        class Asset {}
        const withAsset = { data: {} };
        const assetReal = () => {
            calls++;
            return { code: new Asset(), tags: { a: "b" } };
        };
        const memoAsset = memoised(assetReal);
        const once = memoAsset(withAsset, false);
        const again = memoAsset(withAsset, false);
        expect(again.code).to.be.instanceOf(Asset);
        expect(again).to.not.equal(once);
        expect(Object.isFrozen(again)).to.equal(false);
        expect(Object.isFrozen(again.tags)).to.equal(false);
    });

    it("leaves the SDK's unknown check in place for what a policy reads through its proxy", () => {
        const { unknownCheckingProxy, UnknownValueError, unknownStringValue } = require("@pulumi/policy/proxy");
        const memo = memoised((s: unknown) => JSON.parse(JSON.stringify((s as { data: unknown }).data)));
        const props = unknownCheckingProxy(memo({ data: { name: unknownStringValue, tags: { a: "b" } } }, false));
        expect(() => props.name).to.throw(UnknownValueError);
        expect(props.tags.a).to.equal("b");
    });
});

describe("the AnalyzeStack resources built once per call", () => {
    const { makeAnalyzeStackRpcFun } = require("@pulumi/policy/server");
    const { validateStackResourcesOfType } = require("@pulumi/policy");
    const { unproxy } = require("../../../policies/lib/rule");
    const analyzerpb = require("@pulumi/pulumi/proto/analyzer_pb");

    /** An AnalyzeStack request as the gate encodes it (the method uses nothing of its client). */
    function request(records: ResourceRecord[]): unknown {
        const providers = new Map(records.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r]));
        const req = new analyzerpb.AnalyzeStackRequest();
        req.setResourcesList(records.map((r) => PackClient.prototype.stackEntry.call(undefined, r, providers)));
        return req;
    }

    async function answer(handler: any, req: unknown): Promise<any> {
        return new Promise((resolve, reject) =>
            handler({ request: req }, (e: unknown, r: any) => (e ? reject(e) : resolve(r.toObject()))),
        );
    }

    /** What a stack policy is handed, as plain data (props read through the SDK's proxy). */
    const seen = (r: any) => ({
        type: r.type,
        urn: r.urn,
        name: r.name,
        props: JSON.parse(JSON.stringify(unproxy(r.props))),
        opts: r.opts,
        parent: r.parent?.urn,
        dependencies: r.dependencies.map((d: any) => d.urn),
        propertyDependencies: Object.fromEntries(
            Object.entries(r.propertyDependencies).map(([k, v]) => [k, (v as any[]).map((d) => d.urn)]),
        ),
        provider: r.provider && { ...r.provider, props: JSON.parse(JSON.stringify(unproxy(r.provider.props))) },
        isBucket: r.isType({ __pulumiType: AWS_TYPES.bucket }),
        asBucket: r.asType({ __pulumiType: AWS_TYPES.bucket }) === r.props,
    });

    /** Stack policies that use every part of the handler's contract. */
    function policies(): any[] {
        const stack = (name: string, validateStack: any, more: Record<string, unknown> = {}) => ({
            name,
            description: `${name} description`,
            enforcementLevel: "advisory",
            validateStack,
            ...more,
        });
        return [
            {
                name: "a-resource-policy",
                description: "d",
                enforcementLevel: "mandatory",
                validateResource: () => undefined,
            },
            stack("sees-everything", (args: any, report: any) => report(JSON.stringify(args.resources.map(seen)))),
            stack("disabled", (_: any, report: any) => report("ran"), { enforcementLevel: "disabled" }),
            stack("remediate", (_: any, report: any) => report("reported as mandatory"), {
                enforcementLevel: "remediate",
            }),
            stack(
                "typed-absent",
                validateStackResourcesOfType({ __pulumiType: "aws:nothere/x:Y" }, () => undefined),
            ),
            stack(
                "typed-present",
                validateStackResourcesOfType(
                    { __pulumiType: AWS_TYPES.bucket },
                    (buckets: any[], _: any, report: any) => report(`${buckets.length} buckets`),
                ),
            ),
            stack(
                "reads-unknowns",
                (args: any, report: any) => {
                    for (const r of args.resources) report(JSON.stringify(r.props), r.urn);
                },
                { severity: "high" },
            ),
            stack("not-applicable", (args: any) => args.notApplicable("no reason to run")),
            stack("reports-an-object", (args: any, report: any) =>
                report({
                    name: "renamed",
                    message: "m",
                    urn: args.resources[0].urn,
                    enforcementLevel: "mandatory",
                    severity: "low",
                }),
            ),
            stack("config-and-tags", (args: any, report: any) =>
                report(JSON.stringify({ config: args.getConfig(), tags: [...args.stackTags] })),
            ),
        ];
    }

    const generated = generatedStack(150);
    const withUnknowns = toRecords(
        network({
            "public-rt": {
                type: AWS_TYPES.routeTable,
                name: "public-rt",
                props: { id: "rtb-pub", vpcId: "vpc-1", routes: PACK_UNKNOWN },
            },
        }),
    );

    const cases = [
        {
            what: "a generated stack (providers, parents, dependencies)",
            records: generated,
            ran: ["sees-everything", "remediate", "typed-present", "reads-unknowns", "renamed", "config-and-tags"],
            notApplicable: ["typed-absent", "not-applicable"],
            undecided: [],
        },
        {
            what: "a stack with unknown values",
            records: withUnknowns,
            ran: ["sees-everything", "remediate", "reads-unknowns", "renamed", "config-and-tags"],
            notApplicable: ["typed-absent", "typed-present", "not-applicable"],
            undecided: ["reads-unknowns"],
        },
    ];
    for (const c of cases) {
        it(`answers exactly as the SDK's own handler on ${c.what}`, async () => {
            const sdk = await answer(makeAnalyzeStackRpcFun("p", "1.0.0", "advisory", policies()), request(c.records));
            const impl: Record<string, any> = {};
            patchAnalyzerService(impl, "p", "1.0.0", "advisory", policies());
            const shared = await answer(impl.analyzeStack, request(c.records));
            expect(shared).to.deep.equal(sdk);
            // The cases reach every branch of the handler (else equality would prove little).
            const names = shared.diagnosticsList.map((d: any) => d.policyname);
            expect(names).to.include.members(c.ran);
            expect(names).to.not.include("disabled");
            const undecided = shared.diagnosticsList.filter((d: any) => /^can't run policy/.test(d.message));
            expect(undecided.map((d: any) => d.policyname)).to.have.members(c.undecided);
            expect(shared.notApplicableList.map((n: any) => n.policyName)).to.have.members(c.notApplicable);
        });
    }

    it("fails the call as the SDK does when a policy throws", async () => {
        const throwing = [
            {
                name: "throws",
                description: "d",
                enforcementLevel: "advisory",
                validateStack: () => {
                    throw new Error("boom");
                },
            },
        ];
        const firstLine = (e: unknown) =>
            String((e as Error).message)
                .split("\n")
                .slice(0, 2)
                .join("\n");
        const sdk = await answer(makeAnalyzeStackRpcFun("p", "1.0.0", "advisory", throwing), request(generated)).catch(
            firstLine,
        );
        const impl: Record<string, any> = {};
        patchAnalyzerService(impl, "p", "1.0.0", "advisory", throwing);
        const shared = await answer(impl.analyzeStack, request(generated)).catch(firstLine);
        expect(shared).to.equal(sdk);
        expect(shared).to.match(
            /Error validating resource with policy 'throws' from policy pack 'p@v1.0.0':\nError: boom/,
        );
    });

    it("hands every policy the same frozen resources, so a policy that writes fails loudly", async () => {
        const handed: unknown[] = [];
        const keep = {
            name: "keeps",
            description: "d",
            enforcementLevel: "advisory",
            validateStack: (args: any) => void handed.push(args.resources),
        };
        const writes = {
            name: "writes",
            description: "d",
            enforcementLevel: "advisory",
            validateStack: (args: any) => {
                args.resources[0].name = "changed";
            },
        };
        const impl: Record<string, any> = {};
        patchAnalyzerService(impl, "p", "1.0.0", "advisory", [keep, { ...keep, name: "keeps-too" }]);
        await answer(impl.analyzeStack, request(generated));
        expect(handed[0]).to.equal(handed[1]);
        expect(Object.isFrozen(handed[0])).to.equal(true);
        expect(Object.isFrozen((handed[0] as any[])[0])).to.equal(true);
        patchAnalyzerService(impl, "p", "1.0.0", "advisory", [keep, writes]);
        const failed = await answer(impl.analyzeStack, request(generated)).then(
            () => "answered",
            (e) => String(e.message),
        );
        expect(failed).to.match(/policy 'writes'[\s\S]*read.only|policy 'writes'[\s\S]*Cannot assign/);
    });

    it("reads the policy config and the stack tags the SDK's configure calls set", async () => {
        const calls: string[] = [];
        const impl: Record<string, any> = {
            configure: (_: unknown, cb: any) => (calls.push("configure"), cb(null)),
            configureStack: (_: unknown, cb: any) => (calls.push("configureStack"), cb(null)),
        };
        patchAnalyzerService(impl, "p", "1.0.0", "advisory", policies());
        const structpb = require("google-protobuf/google/protobuf/struct_pb");
        const configure = new analyzerpb.ConfigureAnalyzerRequest();
        const pc = new analyzerpb.PolicyConfig();
        pc.setEnforcementlevel(analyzerpb.EnforcementLevel.MANDATORY);
        pc.setProperties(structpb.Struct.fromJavaScript({ threshold: 3 }));
        configure.getPolicyconfigMap().set("config-and-tags", pc);
        const tags = new analyzerpb.AnalyzerStackConfigureRequest();
        tags.getTagsMap().set("team", "platform");
        await new Promise((r) => impl.configure({ request: configure }, r));
        await new Promise((r) => impl.configureStack({ request: tags }, r));
        expect(calls).to.deep.equal(["configure", "configureStack"]);
        const out = await answer(impl.analyzeStack, request(generated));
        const d = out.diagnosticsList.find((x: any) => x.policyname === "config-and-tags");
        expect(d.enforcementlevel).to.equal(analyzerpb.EnforcementLevel.MANDATORY);
        expect(JSON.parse(d.message.split("\n")[1])).to.deep.equal({
            config: { threshold: 3 },
            tags: [["team", "platform"]],
        });
    });
});

describe("the Analyze description built once per call", () => {
    const { makeAnalyzeRpcFun } = require("@pulumi/policy/server");
    const { validateResourceOfType } = require("@pulumi/policy");
    const { unproxy } = require("../../../policies/lib/rule");
    const { providerUrn } = require("../../../tools/gate/analyzer");

    /** The Analyze requests the gate sends for `records`, one per resource, in order. */
    async function requests(records: ResourceRecord[]): Promise<unknown[]> {
        const providers = new Map(records.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r]));
        const sent: unknown[] = [];
        // The client's own request building; its transport replaced by a recorder.
        const recorder = {
            analyzeCalls: 0,
            call: async (_: string, req: unknown) => void sent.push(req),
            outcome: () => ({}),
        };
        for (const r of records) {
            await PackClient.prototype.analyze.call(
                recorder as any,
                r,
                r.provider ? providers.get(providerUrn(r.provider)) : undefined,
            );
        }
        return sent;
    }

    async function answers(handler: any, reqs: unknown[]): Promise<unknown[]> {
        const out: unknown[] = [];
        for (const req of reqs) {
            out.push(
                await new Promise((resolve, reject) =>
                    handler({ request: req }, (e: unknown, r: any) => (e ? reject(e) : resolve(r.toObject()))),
                ),
            );
        }
        return out;
    }

    /** Resource policies that use every part of the handler's contract. */
    function policies(): any[] {
        const rule = (name: string, validateResource: any, more: Record<string, unknown> = {}) => ({
            name,
            description: `${name} description`,
            enforcementLevel: "advisory",
            validateResource,
            ...more,
        });
        return [
            { name: "a-stack-policy", description: "d", enforcementLevel: "mandatory", validateStack: () => undefined },
            rule("sees-everything", (args: any, report: any) =>
                report(
                    JSON.stringify({
                        type: args.type,
                        urn: args.urn,
                        name: args.name,
                        props: unproxy(args.props),
                        opts: args.opts,
                        provider: args.provider && { ...args.provider, props: unproxy(args.provider.props) },
                        isBucket: args.isType({ __pulumiType: AWS_TYPES.bucket }),
                        asBucket: args.asType({ __pulumiType: AWS_TYPES.bucket }) === args.props,
                    }),
                ),
            ),
            rule("disabled", (_: any, report: any) => report("ran"), { enforcementLevel: "disabled" }),
            rule("remediate", (_: any, report: any) => report("reported as mandatory"), {
                enforcementLevel: "remediate",
            }),
            {
                name: "remediation-only",
                description: "d",
                enforcementLevel: "advisory",
                remediateResource: () => undefined,
            },
            rule(
                "typed",
                validateResourceOfType({ __pulumiType: AWS_TYPES.vpc }, (_: any, __: any, report: any) =>
                    report("a vpc"),
                ),
            ),
            rule("two-validations", [
                (_: any, report: any) => report("first"),
                (args: any, report: any) => report(`second on ${args.name}`),
            ]),
            rule("reads-unknowns", (args: any, report: any) => report(JSON.stringify(args.props)), {
                severity: "high",
            }),
            rule("not-applicable", (args: any) => args.notApplicable("no reason to run")),
            rule("reports-an-object", (args: any, report: any) =>
                report({
                    name: "renamed",
                    message: "m",
                    urn: args.urn,
                    enforcementLevel: "mandatory",
                    severity: "low",
                }),
            ),
            rule("config-and-tags", (args: any, report: any) =>
                report(JSON.stringify({ config: args.getConfig(), tags: [...args.stackTags] })),
            ),
        ];
    }

    const withUnknowns = toRecords(
        network({
            "public-rt": {
                type: AWS_TYPES.routeTable,
                name: "public-rt",
                props: { id: "rtb-pub", vpcId: "vpc-1", routes: PACK_UNKNOWN },
            },
        }),
    );

    for (const [what, records] of [
        ["a generated stack (providers, options)", generatedStack(120)],
        ["a stack with unknown values", withUnknowns],
    ] as const) {
        it(`answers exactly as the SDK's own handler on ${what}`, async () => {
            const reqs = await requests(records);
            const sdk = await answers(makeAnalyzeRpcFun("p", "1.0.0", "advisory", policies()), reqs);
            const impl: Record<string, any> = {};
            patchAnalyzerService(impl, "p", "1.0.0", "advisory", policies());
            const shared = await answers(impl.analyze, reqs);
            expect(shared).to.deep.equal(sdk);
            // The cases reach every branch of the handler (else equality would prove little).
            const all = shared as any[];
            const names = new Set(all.flatMap((a) => a.diagnosticsList.map((d: any) => d.policyname)));
            for (const n of [
                "sees-everything",
                "remediate",
                "typed",
                "two-validations",
                "renamed",
                "config-and-tags",
            ]) {
                expect(names.has(n), n).to.equal(true);
            }
            expect(names.has("disabled")).to.equal(false);
            const notApplicable = new Set(all.flatMap((a) => a.notApplicableList.map((x: any) => x.policyName)));
            expect([...notApplicable].sort()).to.deep.equal(["not-applicable", "remediation-only", "typed"]);
            const undecided = all.flatMap((a) =>
                a.diagnosticsList.filter((d: any) => /^can't run policy/.test(d.message)),
            );
            expect(undecided.length > 0).to.equal(what === "a stack with unknown values");
        });
    }

    it("hands every policy of a call the same frozen description", async () => {
        const handed: any[] = [];
        const keep = (name: string) => ({
            name,
            description: "d",
            enforcementLevel: "advisory",
            validateResource: (args: any) => void handed.push(args),
        });
        const impl: Record<string, any> = {};
        patchAnalyzerService(impl, "p", "1.0.0", "advisory", [keep("a"), keep("b")]);
        const [req] = await requests(generatedStack(5).slice(1, 2));
        await answers(impl.analyze, [req]);
        expect(handed[0]).to.not.equal(handed[1]);
        expect(handed[0].props).to.equal(handed[1].props);
        expect(handed[0].opts).to.equal(handed[1].opts);
        expect(Object.isFrozen(handed[0].opts)).to.equal(true);
    });
});

describe("a patched and an unpatched pack give identical reports", function () {
    this.timeout(300_000);
    let patched: PackHarness;
    let unpatched: PackHarness;
    before(async () => {
        patched = await startPack(undefined, { SECURE_WEB_APP_POLICY_SDK_PATCHES: "require" });
        unpatched = await startPack(undefined, { SECURE_WEB_APP_POLICY_SDK_PATCHES: "off" });
    });
    after(() => {
        patched?.close();
        unpatched?.close();
    });
    const same = async (records: ResourceRecord[]): Promise<Violation[]> => {
        const a = (await patched.client.preview(records)).violations;
        const b = (await unpatched.client.preview(records)).violations;
        expect(a).to.deep.equal(b);
        return a;
    };

    it("on the compliant network stack and on broken, unknown and secret variants of it", async () => {
        await same(toRecords(network()));
        const broken = await same(
            toRecords(
                network({
                    "private-a-rta": withProps("private-a-rta", { subnetId: "subnet-a", routeTableId: "rtb-pub" }),
                    "lambda-sg": {
                        type: AWS_TYPES.securityGroup,
                        name: "lambda-sg",
                        props: {
                            id: "sg-1",
                            vpcId: "vpc-1",
                            ingress: [],
                            egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
                        },
                    },
                }),
            ),
        );
        expect(broken.length).to.be.greaterThan(0);
        await same(
            toRecords(
                network({
                    "public-rt": {
                        type: AWS_TYPES.routeTable,
                        name: "public-rt",
                        props: { id: "rtb-pub", vpcId: "vpc-1", routes: PACK_UNKNOWN },
                    },
                    "api-kinesis": {
                        type: AWS_TYPES.iamRolePolicy,
                        name: "api-kinesis",
                        props: {
                            role: "api-role",
                            policy: {
                                [SECRET_SIG_KEY]: SECRET_SIG,
                                value: JSON.stringify({
                                    Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
                                }),
                            },
                        },
                    },
                }),
            ),
        );
    });

    it("under a policy config that disables, lowers and sets stack rules to remediate", async () => {
        const config = {
            all: "advisory",
            "lambda-function-errors-alarm": "disabled",
            "s3-bucket-public-access-blocked": "remediate",
        };
        try {
            await patched.configure(config);
            await unpatched.configure(config);
            const found = await same(generatedStack(600));
            const levels = (rule: string) => [
                ...new Set(found.filter((v) => v.policyName === rule).map((v) => v.enforcementLevel)),
            ];
            expect(levels("lambda-function-errors-alarm")).to.deep.equal([]);
            expect(levels("lambda-function-in-private-subnets")).to.deep.equal(["advisory"]);
            // A stack rule set to remediate reports as mandatory (it cannot remediate).
            expect(levels("s3-bucket-public-access-blocked")).to.deep.equal(["mandatory"]);
        } finally {
            await patched.configure({});
            await unpatched.configure({});
        }
    });

    it("on a generated 600-resource stack export with findings", async () => {
        const found = await same(generatedStack(600));
        const levels = (rule: string) => [
            ...new Set(found.filter((v) => v.policyName === rule).map((v) => v.enforcementLevel)),
        ];
        expect(levels("lambda-function-errors-alarm")).to.deep.equal(["mandatory"]);
    });
});
