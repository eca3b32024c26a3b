import { expect } from "chai";
import { diagnosticsOf, findings, mandatory, PackHarness, startPack, urnOf } from "../support";
import { AWS_TYPES } from "../../../policies/lib/types";

const RULE = "s3-bucket-acl-not-public";
const publicBucket = (name: string) => ({ type: AWS_TYPES.bucket, name, props: { bucket: name, acl: "public-read" } });

describe("exemptions", () => {
    let pack: PackHarness;
    before(async () => {
        // The clock the pack judges `expires` by.
        pack = await startPack(undefined, { SECURE_WEB_APP_POLICY_NOW: "2026-06-15T12:00:00Z" });
    });
    after(() => pack.close());
    afterEach(async () => pack.configure({}));

    it("reports an exempted finding as exempted, advisory, with rule and reason, and drops it from its rule", async () => {
        await pack.configure({
            [RULE]: { exemptions: [{ resource: "legacy-*", reason: "public dataset, SEC-12", expires: "2026-12-31" }] },
        });
        const v = await pack.analyze([publicBucket("legacy-data"), publicBucket("fresh")]);
        expect(findings(v, RULE).map((f) => f.resourceName)).to.deep.equal(["fresh"]);
        const applied = diagnosticsOf(v, "policy-exemptions-applied");
        expect(applied).to.have.length(1);
        expect(applied[0].enforcementLevel).to.equal("advisory");
        expect(applied[0].urn).to.equal(urnOf(AWS_TYPES.bucket, "legacy-data"));
        expect(applied[0].message).to.include(
            `exempted: ${RULE} on ${urnOf(AWS_TYPES.bucket, "legacy-data")}: public dataset, SEC-12 (expires 2026-12-31)`,
        );
    });

    it("matches by exact URN and by URN glob", async () => {
        await pack.configure({
            [RULE]: {
                exemptions: [
                    { resource: urnOf(AWS_TYPES.bucket, "a"), reason: "r1" },
                    { resource: "urn:pulumi:test::secure-web-app::aws:s3/bucket:Bucket::b*", reason: "r2" },
                ],
            },
        });
        const v = await pack.analyze([publicBucket("a"), publicBucket("b1"), publicBucket("c")]);
        expect(findings(v, RULE).map((f) => f.resourceName)).to.deep.equal(["c"]);
        expect(diagnosticsOf(v, "policy-exemptions-applied")).to.have.length(2);
    });

    it("exempts stack-rule findings too", async () => {
        await pack.configure({
            "s3-bucket-public-access-blocked": { exemptions: [{ resource: "a", reason: "bucket has no data" }] },
        });
        const v = await pack.analyze([{ type: AWS_TYPES.bucket, name: "a", props: { bucket: "a" } }]);
        expect(findings(v, "s3-bucket-public-access-blocked")).to.deep.equal([]);
        expect(diagnosticsOf(v, "policy-exemptions-applied")[0].message).to.include(
            "exempted: s3-bucket-public-access-blocked on",
        );
    });

    it("an exemption without a reason is a mandatory violation and exempts nothing", async () => {
        await pack.configure({ [RULE]: { exemptions: [{ resource: "a" }] } });
        const v = await pack.analyze([publicBucket("a")]);
        expect(findings(v, RULE)).to.have.length(1);
        const invalid = diagnosticsOf(v, "policy-exemptions-valid");
        expect(invalid).to.have.length(1);
        expect(invalid[0].enforcementLevel).to.equal("mandatory");
        expect(invalid[0].message).to.include(`'${RULE}'.exemptions[0] (resource "a") must give a written reason`);
    });

    it("an expired exemption (by the test clock) is a mandatory violation and exempts nothing", async () => {
        await pack.configure({
            [RULE]: { exemptions: [{ resource: "a", reason: "temporary", expires: "2026-06-14" }] },
        });
        const v = await pack.analyze([publicBucket("a")]);
        expect(findings(v, RULE)).to.have.length(1);
        expect(diagnosticsOf(v, "policy-exemptions-valid")[0].message).to.include("has expired");
    });

    it("an exemption is valid through its expiry day", async () => {
        await pack.configure({
            [RULE]: { exemptions: [{ resource: "a", reason: "temporary", expires: "2026-06-15" }] },
        });
        const v = await pack.analyze([publicBucket("a")]);
        expect(findings(v, RULE)).to.deep.equal([]);
        expect(mandatory(v).filter((x) => x.policyName === "policy-exemptions-valid")).to.deep.equal([]);
    });

    it("an unreadable expires date is a mandatory violation", async () => {
        await pack.configure({ [RULE]: { exemptions: [{ resource: "a", reason: "r", expires: "next tuesday" }] } });
        const v = await pack.analyze([publicBucket("a")]);
        expect(diagnosticsOf(v, "policy-exemptions-valid")[0].message).to.include("ISO date");
    });

    it("reports a stale exemption (matching no resource) as advisory", async () => {
        await pack.configure({ [RULE]: { exemptions: [{ resource: "gone-bucket", reason: "was public" }] } });
        const v = await pack.analyze([publicBucket("a")]);
        const stale = diagnosticsOf(v, "policy-exemptions-current");
        expect(stale).to.have.length(1);
        expect(stale[0].enforcementLevel).to.equal("advisory");
        expect(stale[0].message).to.include("matches no resource");
    });

    it("forgets exempted findings between previews in the same pack process", async () => {
        await pack.configure({ [RULE]: { exemptions: [{ resource: "a", reason: "r" }] } });
        await pack.analyze([publicBucket("a")]);
        const second = await pack.analyze([
            { type: AWS_TYPES.bucket, name: "a", props: { bucket: "a", acl: "private" } },
        ]);
        expect(diagnosticsOf(second, "policy-exemptions-applied")).to.deep.equal([]);
    });
});
