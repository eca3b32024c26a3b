/**
 * The pieces of running a program as the language host does, one by one: where the program
 * starts and with which options (program-loader.ts), the tsconfig merge (typecheck.ts),
 * resource references as the engine sends them to analyzers (marshal.ts), and
 * iam.getPolicyDocument computed as the provider computes it (aws-outputs.ts).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { invokeResult } from "../../tools/gate/aws-outputs";
import { GateError } from "../../tools/gate/errors";
import {
    downgradeResourceReferences,
    RESOURCE_REFERENCE_SIG,
    restoreResourceReferences,
} from "../../tools/gate/marshal";
import { planProgram } from "../../tools/gate/program-loader";
import { compilerSetup, esbuildTsconfig } from "../../tools/gate/typecheck";
import { SECRET_SIG, SECRET_SIG_KEY, WIRE_UNKNOWN } from "../../tools/gate/types";
import { program } from "./fixtures";

describe("gate: loading a program as the language host does", () => {
    const made: string[] = [];
    const folder = (files: Record<string, string>): string => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-plan-"));
        made.push(dir);
        for (const [f, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
            fs.writeFileSync(path.join(dir, f), text);
        }
        return dir;
    };
    after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    it("merges the host's defaults under the program's own compilerOptions (CommonJS: ES2020, nodenext)", () => {
        const plan = planProgram(program("nodenext-site"), undefined, undefined, {});
        expect(plan.esm).to.equal(false);
        expect(plan.entryFile).to.equal(path.join(program("nodenext-site"), "index.ts"));
        expect(plan.compilerOverrides).to.deep.include({
            target: "es2020",
            module: "nodenext",
            moduleResolution: "nodenext",
        });
        expect(plan.transpileOnly).to.equal(false);
    });

    it("an ES module package gets the host's ESM defaults and its entry file", () => {
        const plan = planProgram(program("esm-bucket-acl"), undefined, undefined, {});
        expect(plan.esm).to.equal(true);
        expect(plan.compilerOverrides).to.deep.include({ target: "es2022", module: "nodenext" });
    });

    it("without a tsconfig the host's defaults apply: module and moduleResolution nodenext", () => {
        const dir = folder({ "index.ts": "export {};\n", "package.json": "{}" });
        const plan = planProgram(dir, undefined, undefined, {});
        expect(plan.tsconfigPath).to.equal(undefined);
        expect(plan.compilerOverrides).to.deep.equal({
            target: "ES2020",
            module: "nodenext",
            moduleResolution: "nodenext",
            sourceMap: true,
        });
        const raw = compilerSetup(plan).raw;
        expect(String(raw.module).toLowerCase()).to.equal("nodenext");
    });

    it("the tsconfig's extends is read, its own options override the base, the host's defaults the base's module", () => {
        const dir = folder({
            "index.ts": "export {};\n",
            "package.json": "{}",
            "base.json": JSON.stringify({
                compilerOptions: { module: "commonjs", experimentalDecorators: true, target: "es2017" },
            }),
            "tsconfig.json": JSON.stringify({ extends: "./base.json", compilerOptions: { target: "es2022" } }),
        });
        const setup = compilerSetup(planProgram(dir, undefined, undefined, {}));
        // ts-node gets {target ES2020, module nodenext, ...own}: the base's module is overridden.
        expect(String(setup.raw.module).toLowerCase()).to.equal("nodenext");
        expect(String(setup.raw.target).toLowerCase()).to.equal("es2022");
        // useDefineForClassFields: TypeScript's implied value for an ES2022 target, which esbuild must follow too.
        expect(esbuildTsconfig(setup.raw)).to.deep.equal({
            compilerOptions: { experimentalDecorators: true, target: "es2022", useDefineForClassFields: true },
        });
    });

    it("remembers a setup while the tsconfig and what it extends are unchanged, and reads it again when they change", () => {
        const dir = folder({
            "index.ts": "export {};\n",
            "package.json": "{}",
            "base.json": JSON.stringify({ compilerOptions: { target: "es2017", experimentalDecorators: true } }),
            "tsconfig.json": JSON.stringify({ extends: "./base.json", compilerOptions: { strict: true } }),
        });
        const plan = () => planProgram(dir, undefined, undefined, {});
        const first = compilerSetup(plan());
        const again = compilerSetup(plan());
        // The remembered setup: the same options, and the same key for the type check's cache.
        expect(again.options).to.deep.equal(JSON.parse(JSON.stringify(first.options)));
        expect(again.raw).to.deep.equal(JSON.parse(JSON.stringify(first.raw)));
        expect(again.raw.experimentalDecorators).to.equal(true);
        expect(again.tsVersion).to.equal(first.ts.version);
        expect(again.ts.version).to.equal(first.ts.version);
        // A change in the extended file is seen (its hash was recorded), as is one in the tsconfig.
        fs.writeFileSync(path.join(dir, "base.json"), JSON.stringify({ compilerOptions: { target: "es2017" } }));
        expect(compilerSetup(plan()).raw.experimentalDecorators).to.equal(undefined);
        fs.writeFileSync(
            path.join(dir, "tsconfig.json"),
            JSON.stringify({ extends: "./base.json", compilerOptions: { target: "es2021" } }),
        );
        expect(String(compilerSetup(plan()).raw.target).toLowerCase()).to.equal("es2021");
        // An invalid configuration is never remembered: it fails every time.
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "es1999" } }));
        expect(() => compilerSetup(plan())).to.throw(GateError, /configuration is invalid/);
        expect(() => compilerSetup(plan())).to.throw(GateError, /configuration is invalid/);
    });

    it("PULUMI_NODEJS_TRANSPILE_ONLY decides when set ('true' only), else compilerOptions.noCheck", () => {
        const dir = folder({
            "index.ts": "export {};\n",
            "package.json": "{}",
            "tsconfig.json": '{"compilerOptions": {"noCheck": true}}',
        });
        expect(planProgram(dir, undefined, undefined, {}).transpileOnly).to.equal(true);
        expect(
            planProgram(dir, undefined, undefined, { PULUMI_NODEJS_TRANSPILE_ONLY: "false" }).transpileOnly,
        ).to.equal(false);
        expect(
            planProgram(program("type-error"), undefined, undefined, { PULUMI_NODEJS_TRANSPILE_ONLY: "true" })
                .transpileOnly,
        ).to.equal(true);
    });

    it("PULUMI_NODEJS_TSCONFIG_PATH picks the tsconfig, and a missing one fails as run.ts fails", () => {
        const dir = folder({
            "index.ts": "export {};\n",
            "package.json": "{}",
            "tsconfig.pulumi.json": '{"compilerOptions": {"strict": true}}',
        });
        expect(
            planProgram(dir, undefined, undefined, { PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.pulumi.json" })
                .tsconfigPath,
        ).to.equal(path.join(dir, "tsconfig.pulumi.json"));
        expect(() => planProgram(dir, undefined, undefined, { PULUMI_NODEJS_TSCONFIG_PATH: "nope.json" })).to.throw(
            GateError,
            /tsconfig path was set to nope.json but the file was not found/,
        );
    });

    it("package.json exports, then main, name the entry point when Pulumi.yaml has no main", () => {
        const withExports = folder({
            "package.json": JSON.stringify({ exports: { ".": { require: "./src/app.ts" } }, main: "other.ts" }),
            "src/app.ts": "export {};\n",
            "other.ts": "export {};\n",
        });
        expect(planProgram(withExports, undefined, undefined, {}).entryFile).to.equal(
            path.join(withExports, "src", "app.ts"),
        );
        const withMain = folder({ "package.json": JSON.stringify({ main: "bin/main.js" }), "bin/main.js": "" });
        expect(planProgram(withMain, undefined, undefined, {}).entryFile).to.equal(
            path.join(withMain, "bin", "main.js"),
        );
    });

    it("runtime options: typescript false, nodeargs split as a shell would", () => {
        const plan = planProgram(
            program("plain-js"),
            "src/main.js",
            { name: "nodejs", options: { typescript: false, nodeargs: "--max-old-space-size=1024 --title 'my app'" } },
            {},
        );
        expect(plan.typescript).to.equal(false);
        expect(plan.entryFile).to.equal(path.join(program("plain-js"), "src", "main.js"));
        expect(plan.nodeArgs).to.deep.equal(["--max-old-space-size=1024", "--title", "my app"]);
    });

    it("names the program's folder and the fix when there is no entry point", () => {
        const dir = folder({ "package.json": "{}" });
        expect(() => planProgram(dir, undefined, undefined, {})).to.throw(GateError, /no program entry point found/);
    });
});

describe("gate: resource references as the engine marshals them for analyzers", () => {
    const ref = (urn: string, id?: string) => ({
        [SECRET_SIG_KEY]: RESOURCE_REFERENCE_SIG,
        urn,
        ...(id !== undefined ? { id } : {}),
        packageVersion: "7.48.0",
    });

    it("a custom resource becomes its id; an unknown id stays unknown; a component becomes its URN", () => {
        expect(downgradeResourceReferences({ bucket: ref("urn:b", "site-123") })).to.deep.equal({ bucket: "site-123" });
        expect(downgradeResourceReferences({ bucket: ref("urn:b", "") })).to.deep.equal({ bucket: WIRE_UNKNOWN });
        expect(downgradeResourceReferences({ parentRef: ref("urn:c") })).to.deep.equal({ parentRef: "urn:c" });
    });

    it("inside lists, objects and secrets; other values are untouched (same object when nothing changes)", () => {
        const input = {
            routes: [{ handler: ref("urn:f", "fn-1") }],
            s: { [SECRET_SIG_KEY]: SECRET_SIG, value: ref("urn:k", "key-1") },
        };
        expect(downgradeResourceReferences(input)).to.deep.equal({
            routes: [{ handler: "fn-1" }],
            s: { [SECRET_SIG_KEY]: SECRET_SIG, value: "key-1" },
        });
        const plain = { a: [1, { b: "x" }] };
        expect(downgradeResourceReferences(plain)).to.equal(plain);
    });

    it("restores the references it reported, as a checkpoint stores them", () => {
        const seen: { path: (string | number)[]; ref: { urn: string; id?: string } }[] = [];
        const original = { routes: [{ handler: ref("urn:f", "fn-1") }], bucket: ref("urn:b", "b-1") };
        const down = downgradeResourceReferences(original, (p, r) => seen.push({ path: p, ref: r })) as Record<
            string,
            unknown
        >;
        expect(restoreResourceReferences(down, seen)).to.deep.equal(original);
    });
});

describe("gate: iam.getPolicyDocument computed as the provider computes it", () => {
    const ctx = { region: "us-west-2", unknown: false };
    const doc = (args: Record<string, unknown>) =>
        JSON.parse(String(invokeResult("aws:iam/getPolicyDocument:getPolicyDocument", args, ctx)!.json));

    it("single values as strings, principals grouped by type, conditions by test and variable", () => {
        expect(
            doc({
                statements: [
                    {
                        sid: "Read",
                        actions: ["s3:GetObject"],
                        resources: ["arn:aws:s3:::b/*"],
                        principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
                        conditions: [
                            {
                                test: "StringEquals",
                                variable: "AWS:SourceArn",
                                values: ["arn:aws:cloudfront::1:distribution/E1"],
                            },
                        ],
                    },
                    {
                        actions: ["s3:ListBucket", "s3:GetBucketLocation"],
                        resources: ["arn:aws:s3:::b"],
                        principals: [{ type: "*", identifiers: ["*"] }],
                    },
                ],
            }),
        ).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Read",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::b/*",
                    Principal: { Service: "cloudfront.amazonaws.com" },
                    Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::1:distribution/E1" } },
                },
                {
                    Effect: "Allow",
                    Action: ["s3:ListBucket", "s3:GetBucketLocation"],
                    Resource: "arn:aws:s3:::b",
                    Principal: "*",
                },
            ],
        });
    });

    it("source documents first, this document's statements replace theirs by Sid, override documents last", () => {
        const source = JSON.stringify({
            Statement: [
                { Sid: "A", Effect: "Allow", Action: "s3:*", Resource: "*" },
                { Sid: "B", Effect: "Deny", Action: "iam:*", Resource: "*" },
            ],
        });
        const override = JSON.stringify({ Statement: [{ Sid: "B", Effect: "Deny", Action: "kms:*", Resource: "*" }] });
        const out = doc({
            sourcePolicyDocuments: [source],
            overridePolicyDocuments: [override],
            statements: [{ sid: "A", actions: ["s3:GetObject"], resources: ["*"] }],
        });
        expect(out.Statement).to.deep.equal([
            { Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
            { Sid: "B", Effect: "Deny", Action: "kms:*", Resource: "*" },
        ]);
    });

    it("an unknown argument makes the document unknown, never a guess", () => {
        const r = invokeResult(
            "aws:iam/getPolicyDocument:getPolicyDocument",
            { statements: [{ actions: ["s3:GetObject"], resources: [WIRE_UNKNOWN] }] },
            ctx,
        )!;
        expect(r.json).to.equal(WIRE_UNKNOWN);
    });
});
