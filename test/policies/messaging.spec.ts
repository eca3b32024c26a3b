import { expect } from "chai";
import { PackHarness, startPack } from "../helpers/pack";
import { UNKNOWN } from "../../tools/gate/types";
import { doc, findings, undecided, urnOf } from "./support";

/**
 * sns-topic-policy-not-public and sqs-queue-policy-not-public: each in both resource forms (the
 * separate policy resource and the topic's/queue's inline `policy`), each way to break them (a
 * `*` principal, a wildcard-valued pin, an unpinned service principal), and the negative
 * controls the project relies on (CloudWatch alarms pinned to this account, Deny to `*`).
 */
const ACCOUNT = "123456789012";
const TOPIC_ARN = `arn:aws:sns:us-west-2:${ACCOUNT}:alerts`;
const QUEUE_ARN = `arn:aws:sqs:us-west-2:${ACCOUNT}:jobs`;

const CASES = [
    {
        rule: "sns-topic-policy-not-public",
        forms: [
            ["aws:sns/topicPolicy:TopicPolicy", { arn: TOPIC_ARN }],
            ["aws:sns/topic:Topic", { name: "alerts" }],
        ] as const,
        action: "sns:Publish",
        resource: TOPIC_ARN,
        service: "cloudwatch.amazonaws.com",
        sourceArn: `arn:aws:cloudwatch:us-west-2:${ACCOUNT}:alarm:*`,
    },
    {
        rule: "sqs-queue-policy-not-public",
        forms: [
            ["aws:sqs/queuePolicy:QueuePolicy", { queueUrl: `https://sqs.us-west-2.amazonaws.com/${ACCOUNT}/jobs` }],
            ["aws:sqs/queue:Queue", { name: "jobs" }],
        ] as const,
        action: "sqs:SendMessage",
        resource: QUEUE_ARN,
        service: "sns.amazonaws.com",
        sourceArn: TOPIC_ARN,
    },
];

describe("SNS and SQS resource policies", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    for (const c of CASES) {
        describe(c.rule, () => {
            const allow = (extra: object) => ({ Effect: "Allow", Action: c.action, Resource: c.resource, ...extra });
            const star = allow({ Sid: "Everyone", Principal: "*" });
            const pinnedService = allow({
                Principal: { Service: c.service },
                Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": c.sourceArn } },
            });
            const tlsDeny = { Effect: "Deny", Principal: "*", Action: "*", Resource: c.resource, Condition: { Bool: { "aws:SecureTransport": "false" } } };
            for (const [type, props] of c.forms) {
                const at = (name: string, ...statements: object[]) => ({ type, name, props: { ...props, policy: doc(...statements) } });
                it(`fails an Allow to * without a pin in ${type}`, async () => {
                    const v = await pack.analyze([at("p", star)]);
                    const f = findings(v, c.rule);
                    expect(f).to.have.length(1);
                    expect(f[0].enforcementLevel).to.equal("mandatory");
                    expect(f[0].urn).to.equal(urnOf(type, "p"));
                    expect(f[0].message).to.include(`'p' must not allow a "*" principal without a condition pinning the caller (policy statement[0] (Sid "Everyone"))`);
                });
                it(`fails {AWS: "*"}, NotPrincipal, and * pinned only by wildcard values in ${type}`, async () => {
                    const v = await pack.analyze([
                        at("aws-star", allow({ Principal: { AWS: "*" } })),
                        at("not-principal", allow({ NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })),
                        at("any-arn", allow({ Principal: "*", Condition: { ArnLike: { "aws:SourceArn": c.sourceArn.replace(ACCOUNT, "*") } } })),
                        at("any-account", allow({ Principal: "*", Condition: { StringLike: { "aws:SourceAccount": "*" } } })),
                        at("any-org", allow({ Principal: "*", Condition: { StringLike: { "aws:PrincipalOrgID": "o-*" } } })),
                    ]);
                    expect(findings(v, c.rule).map((x) => x.resourceName)).to.deep.equal(["aws-star", "not-principal", "any-arn", "any-account", "any-org"]);
                });
                it(`fails a service principal without a confused-deputy condition in ${type}`, async () => {
                    const v = await pack.analyze([
                        at("unpinned", allow({ Principal: { Service: c.service } })),
                        at("caller-key-only", allow({ Principal: { Service: c.service }, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } })),
                    ]);
                    const f = findings(v, c.rule);
                    expect(f.map((x) => x.resourceName)).to.deep.equal(["unpinned", "caller-key-only"]);
                    expect(f[0].message).to.include(`must not allow service principal "${c.service}" without a condition pinning the source (policy statement[0])`);
                });
                it(`passes a pinned service grant, * pinned to this account or organisation, a named account and a Deny to * in ${type}`, async () => {
                    const v = await pack.analyze([
                        at(
                            "ok",
                            tlsDeny,
                            pinnedService,
                            allow({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT } } }),
                            allow({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
                            allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }),
                            allow({ Principal: { Service: c.service }, Condition: { StringEquals: { "aws:SourceOwner": ACCOUNT } } }),
                        ),
                    ]);
                    expect(findings(v, c.rule)).to.deep.equal([]);
                    expect(undecided(v, c.rule)).to.deep.equal([]);
                });
            }
            it("passes a topic or queue without a policy and ignores other resource types", async () => {
                const v = await pack.analyze([
                    { type: c.forms[1][0], name: "plain", props: { ...c.forms[1][1] } },
                    { type: "aws:s3/bucketPolicy:BucketPolicy", name: "other", props: { policy: doc(star) } },
                ]);
                expect(findings(v, c.rule)).to.deep.equal([]);
            });
            it("reports an unparsable policy; is undecided, never mandatory, on unknown values", async () => {
                const [type, props] = c.forms[0];
                const v = await pack.analyze([
                    { type, name: "bad", props: { ...props, policy: "{not json" } },
                    { type, name: "later", props: { ...props, policy: UNKNOWN } },
                    { type, name: "pin", props: { ...props, policy: doc(allow({ Principal: { Service: c.service }, Condition: { StringEquals: { "aws:SourceArn": UNKNOWN } } })) } },
                    { type, name: "who", props: { ...props, policy: doc(allow({ Principal: UNKNOWN })) } },
                ]);
                const f = findings(v, c.rule);
                expect(f.map((x) => x.resourceName)).to.deep.equal(["bad"]);
                expect(f[0].message).to.include("is not valid JSON");
                expect(undecided(v, c.rule)).to.have.length(3);
                expect(undecided(v, c.rule).every((x) => x.enforcementLevel === "advisory")).to.equal(true);
            });
        });
    }
});
