/**
 * Stack config: defaults, accepted values, and one clear message per bad value — both from
 * the pure parser and from the program as the engine runs it.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import {
    CONFIG_KEYS,
    CONFIG_NAMESPACE,
    CONFIG_TABLE,
    ConfigError,
    ConfigKey,
    DEFAULTS,
    isAlignedCidr,
    parseConfig,
} from "../../infra/config";
import { README_MD, renderConfigTable, withConfigTable } from "../../tools/docs/generate-config";
import { runProgram } from "../../tools/gate/engine";
import { PROGRAM_DIR } from "./program";

const parse = (values: Partial<Record<ConfigKey, string>>, present: string[] = Object.keys(values)) =>
    parseConfig((k) => values[k], present);

/** The message of the ConfigError `values` cause. */
function failure(values: Partial<Record<ConfigKey, string>>, present?: string[]): string {
    try {
        parse(values, present);
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return (e as Error).message;
    }
    throw new Error(`expected a ConfigError for ${JSON.stringify(values)}`);
}

describe("infra config", () => {
    it("takes every default from an empty stack config", () => {
        const c = parse({});
        expect(c).to.deep.include({
            region: "us-west-2",
            vpcCidr: DEFAULTS.vpcCidr,
            azCount: 2,
            natStrategy: "single",
            alertEmails: [],
            logRetentionDays: 365,
            dynamoDeletionProtection: true,
            kinesis: { mode: "provisioned", shardCount: 1 },
            reservedConcurrency: {},
            internalCallerRoleArns: [],
            tags: {},
            priceClass: "PriceClass_100",
            manageApiGatewayAccount: true,
            kinesisRetentionHours: 24,
            flowLogAggregationSeconds: 600,
        });
        expect(c.customDomain).to.equal(undefined);
    });

    it("reads structured values (JSON, as Pulumi passes YAML lists and maps)", () => {
        const c = parse({
            alertEmails: '["ops@example.com","oncall@example.com"]',
            reservedConcurrency: '{"api":10,"streamProcessor":2}',
            tags: '{"owner":"platform"}',
            internalCallerRoleArns: '["arn:aws:iam::123456789012:role/reporting"]',
            kinesisStreamMode: "onDemand",
            natStrategy: "perAz",
            azCount: "3",
            kinesisRetentionHours: "168",
            flowLogAggregationSeconds: "60",
            customDomain: "app.example.com",
            acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
        });
        expect(c.alertEmails).to.deep.equal(["ops@example.com", "oncall@example.com"]);
        expect(c.reservedConcurrency).to.deep.equal({ api: 10, streamProcessor: 2 });
        expect(c.kinesis).to.deep.equal({ mode: "onDemand" });
        expect(c.customDomain?.domainName).to.equal("app.example.com");
        expect(c.azCount).to.equal(3);
        expect([c.kinesisRetentionHours, c.flowLogAggregationSeconds]).to.deep.equal([168, 60]);
    });

    const cases: [string, Partial<Record<ConfigKey, string>>, RegExp][] = [
        [
            "a region other than us-west-2",
            { region: "eu-west-1" },
            /secure-web-app:region = "eu-west-1": accepted values are "us-west-2"/,
        ],
        [
            "an unaligned CIDR",
            { vpcCidr: "10.40.1.0/16" },
            /secure-web-app:vpcCidr = "10.40.1.0\/16": accepted values are an IPv4 network address with a prefix from \/16 to \/24/,
        ],
        [
            "one availability zone",
            { azCount: "1" },
            /secure-web-app:azCount = "1": accepted values are integers from 2 to 4/,
        ],
        [
            "an unknown NAT strategy",
            { natStrategy: "none" },
            /secure-web-app:natStrategy = "none": accepted values are "single", "perAz"/,
        ],
        [
            "a retention CloudWatch does not offer",
            { logRetentionDays: "10" },
            /secure-web-app:logRetentionDays = "10": accepted values are 1, 3, 5, 7, 14, 30, .*3653/,
        ],
        [
            "a non-boolean",
            { dynamoDeletionProtection: "yes" },
            /secure-web-app:dynamoDeletionProtection = "yes": accepted values are true, false/,
        ],
        [
            "a bad e-mail",
            { alertEmails: '["ops"]' },
            /secure-web-app:alertEmails = .*: accepted values are a JSON list of e-mail addresses/,
        ],
        [
            "a shard count with on-demand",
            { kinesisStreamMode: "onDemand", kinesisShardCount: "2" },
            /secure-web-app:kinesisShardCount is set while secure-web-app:kinesisStreamMode = "onDemand"/,
        ],
        [
            "zero shards",
            { kinesisShardCount: "0" },
            /secure-web-app:kinesisShardCount = "0": accepted values are integers from 1 to 500/,
        ],
        [
            "concurrency for an unknown function",
            { reservedConcurrency: '{"edge":5}' },
            /secure-web-app:reservedConcurrency = .*: accepted values are a JSON object with optional keys "api", "streamProcessor"/,
        ],
        [
            "a certificate outside us-east-1",
            {
                customDomain: "app.example.com",
                acmCertificateArn:
                    "arn:aws:acm:us-west-2:123456789012:certificate/11111111-2222-3333-4444-555555555555",
            },
            /secure-web-app:acmCertificateArn = .*: accepted values are an ACM certificate ARN in us-east-1/,
        ],
        [
            "a domain without a certificate",
            { customDomain: "app.example.com" },
            /secure-web-app:customDomain and secure-web-app:acmCertificateArn go together: accepted values are both set or neither/,
        ],
        [
            "a caller that is not a role ARN",
            { internalCallerRoleArns: '["arn:aws:iam::123456789012:user/bob"]' },
            /secure-web-app:internalCallerRoleArns = .*: accepted values are a JSON list of IAM role ARNs/,
        ],
        [
            "an aws: tag",
            { tags: '{"aws:owner":"x"}' },
            /secure-web-app:tags = .*: accepted values are a JSON object of tag keys \(not starting with "aws:"/,
        ],
        [
            "an unknown price class",
            { priceClass: "PriceClass_50" },
            /secure-web-app:priceClass = "PriceClass_50": accepted values are "PriceClass_100", "PriceClass_200", "PriceClass_All"/,
        ],
        [
            "a retention Kinesis does not offer",
            { kinesisRetentionHours: "12" },
            /secure-web-app:kinesisRetentionHours = "12": accepted values are integers from 24 to 8760/,
        ],
        [
            "a flow-log interval EC2 does not offer",
            { flowLogAggregationSeconds: "300" },
            /secure-web-app:flowLogAggregationSeconds = "300": accepted values are 60, 600/,
        ],
        [
            "malformed JSON",
            { tags: "{owner: x}" },
            /secure-web-app:tags = "\{owner: x\}": accepted values are a JSON object/,
        ],
    ];
    for (const [what, values, message] of cases) {
        it(`rejects ${what} with one message naming the key and the accepted values`, () => {
            const m = failure(values);
            expect(m).to.match(message);
            expect(m.split("\n"), m).to.have.length(1);
        });
    }

    it("rejects a misspelt key instead of silently taking a default", () => {
        expect(failure({}, ["natStrategy", "natStratgy"])).to.match(
            /secure-web-app:natStratgy is not a known key: accepted keys are region, vpcCidr, .*natStrategy/,
        );
    });

    it("reports several bad keys in one error, one line each", () => {
        const m = failure({ natStrategy: "none", azCount: "9" });
        expect(m.split("\n")).to.have.length(3);
        expect(m).to.include("secure-web-app:azCount").and.include("secure-web-app:natStrategy");
    });

    it("gives every key of the table a form, an accepted-values text and a description", () => {
        for (const k of CONFIG_KEYS) {
            const s = CONFIG_TABLE[k];
            expect(s.accepted, k).to.match(/\S/);
            expect(s.description, k).to.match(/\S/);
            expect(["string", "integer", "boolean", "list", "map"], k).to.include(s.type);
        }
    });

    it("accepts each default written as the stack file would write it", () => {
        for (const k of CONFIG_KEYS) {
            const d = DEFAULTS[k];
            if (d === undefined) continue;
            const raw = typeof d === "string" ? d : JSON.stringify(d);
            expect(() => parse({ [k]: raw }), `${k} = ${raw}`).not.to.throw();
        }
    });

    it("names the table's accepted values in the message for every key", () => {
        const garbage = "\u0000not a value";
        for (const k of CONFIG_KEYS) {
            expect(failure({ [k]: garbage }, [k])).to.include(
                `${CONFIG_NAMESPACE}:${k} = ${JSON.stringify(garbage)}: accepted values are ${CONFIG_TABLE[k].accepted}`,
            );
        }
    });

    it("reads every key the example stack file sets, and the file sets no other", () => {
        const file = yaml.load(fs.readFileSync(path.join(PROGRAM_DIR, "Pulumi.dev.yaml"), "utf8")) as {
            config: Record<string, unknown>;
        };
        const ours = Object.keys(file.config)
            .filter((k) => k.startsWith(`${CONFIG_NAMESPACE}:`))
            .map((k) => k.slice(CONFIG_NAMESPACE.length + 1));
        expect(ours.filter((k) => !(CONFIG_KEYS as string[]).includes(k))).to.deep.equal([]);
        const raw = (k: ConfigKey) => {
            const v = file.config[`${CONFIG_NAMESPACE}:${k}`];
            return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
        };
        expect(() => parseConfig(raw, ours)).not.to.throw();
    });

    it("keeps the README's config table as generated from the table (npm run docs)", () => {
        const readme = fs.readFileSync(README_MD, "utf8");
        expect(readme).to.include(renderConfigTable());
        expect(withConfigTable(readme) === readme, "README.md's config table is stale: run npm run docs").to.equal(
            true,
        );
        for (const k of CONFIG_KEYS) expect(renderConfigTable()).to.include(`| \`${k}\` |`);
    });

    it("checks CIDR alignment and prefix bounds", () => {
        expect(isAlignedCidr("10.0.0.0/16", 16, 24)).to.equal(true);
        expect(isAlignedCidr("10.0.4.0/22", 16, 24)).to.equal(true);
        expect(isAlignedCidr("10.0.4.0/21", 16, 24)).to.equal(false);
        expect(isAlignedCidr("10.0.0.0/8", 16, 24)).to.equal(false);
        expect(isAlignedCidr("300.0.0.0/16", 16, 24)).to.equal(false);
    });

    describe("in the running program", () => {
        /** The error the dev stack fails with under these config overrides. */
        const programError = (config: Record<string, string>) =>
            runProgram({ programDir: PROGRAM_DIR, stack: "dev", config }).then(
                () => undefined,
                (e: Error) => e,
            );

        it("stops before registering anything, with the config message", async () => {
            const err = await programError({ "secure-web-app:natStrategy": "many" });
            expect(err, "the program must fail").to.be.instanceOf(Error);
            expect(err!.message).to.include(
                'Invalid stack configuration: secure-web-app:natStrategy = "many": accepted values are "single", "perAz"',
            );
        });

        it("names both keys when on-demand mode meets the stack file's shard count", async () => {
            const err = await programError({ "secure-web-app:kinesisStreamMode": "onDemand" });
            expect(err, "the program must fail").to.be.instanceOf(Error);
            expect(err!.message).to.match(
                /secure-web-app:kinesisShardCount is set while secure-web-app:kinesisStreamMode = "onDemand"/,
            );
        });
    });
});
