/**
 * The pack's guarded memo of @pulumi/policy's per-policy deserialization (policies/lib/sdk-memo.ts).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    installDeserializationMemo,
    memoised,
    sdkFingerprint,
    uninstallDeserializationMemo,
    VERIFIED,
} from "../../../policies/lib/sdk-memo";
import { generateStack, stackExport } from "../../../tools/gate/bench/generate";
import { readStackExport } from "../../../tools/gate/stack-export";
import { SECRET_SIG, SECRET_SIG_KEY } from "../../../tools/gate/types";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import type { ResourceRecord, Violation } from "../../../tools/gate/types";
import { network, PackHarness, startPack, toRecords, withProps } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

describe("the deserialization memo of @pulumi/policy", function () {
    this.timeout(300_000);

    it("was verified against the installed @pulumi/policy (if this fails, the SDK changed underneath)", () => {
        // Re-read server.js (makeAnalyzeRpcFun, makeAnalyzeStackRpcFun: each calls
        // deserializeProperties(<Struct>, false) per policy) and deserialize.js, then update VERIFIED.
        expect(sdkFingerprint()).to.deep.equal(VERIFIED);
    });

    it("leaves an SDK it was not verified against unpatched (or refuses, when required)", () => {
        const deserialize = require("@pulumi/policy/deserialize");
        const before = deserialize.deserializeProperties;
        const other = { version: "v1.22.0", files: { "server.js": "0".repeat(64) } };
        expect(installDeserializationMemo(other, "")).to.equal("unverified SDK");
        expect(deserialize.deserializeProperties).to.equal(before);
        expect(() => installDeserializationMemo(other, "require")).to.throw(/not the verified/);
        expect(installDeserializationMemo(VERIFIED, "off")).to.equal("disabled");
        expect(deserialize.deserializeProperties).to.equal(before);
        try {
            expect(installDeserializationMemo(VERIFIED, "")).to.equal("installed");
            expect(deserialize.deserializeProperties).to.not.equal(before);
        } finally {
            uninstallDeserializationMemo();
        }
        expect(deserialize.deserializeProperties).to.equal(before);
    });

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

    describe("a patched and an unpatched pack give identical reports", () => {
        let patched: PackHarness;
        let unpatched: PackHarness;
        before(async () => {
            patched = await startPack(undefined, { SECURE_WEB_APP_POLICY_SDK_MEMO: "require" });
            unpatched = await startPack(undefined, { SECURE_WEB_APP_POLICY_SDK_MEMO: "off" });
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

        it("on a generated 600-resource stack export with findings", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdk-memo-"));
            try {
                const file = path.join(dir, "stack.json");
                fs.writeFileSync(file, JSON.stringify(stackExport(generateStack(600))));
                const found = await same(readStackExport(file).resources);
                expect(found.length).to.be.greaterThan(0);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
