import { expect } from "chai";
import { findings, PackHarness, startPack, undecided } from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { AWS_TYPES } from "../../../policies/lib/types";

const S3_ORIGIN = { originId: "site", domainName: "site.s3.us-west-2.amazonaws.com", originAccessControlId: "oac-1" };
const API_ORIGIN = {
    originId: "api",
    domainName: "abc.execute-api.us-west-2.amazonaws.com",
    customOriginConfig: {
        originProtocolPolicy: "https-only",
        originSslProtocols: ["TLSv1.2"],
        httpPort: 80,
        httpsPort: 443,
    },
};
const dist = (
    props: Record<string, unknown> = {},
): { type: string; name: string; props: Record<string, unknown> }[] => [
    {
        type: AWS_TYPES.cloudfrontResponseHeadersPolicy,
        name: "headers",
        props: {
            id: "rhp-1",
            securityHeadersConfig: {
                strictTransportSecurity: { override: true },
                contentTypeOptions: { override: true },
                frameOptions: { frameOption: "DENY", override: true },
            },
        },
    },
    {
        type: AWS_TYPES.cloudfrontDistribution,
        name: "cdn",
        props: {
            arn: "arn:aws:cloudfront::1:distribution/E1",
            defaultRootObject: "index.html",
            webAclId: "arn:aws:wafv2:acl",
            loggingConfig: { bucket: "logs.s3.amazonaws.com" },
            origins: [S3_ORIGIN, API_ORIGIN],
            defaultCacheBehavior: {
                targetOriginId: "site",
                viewerProtocolPolicy: "redirect-to-https",
                responseHeadersPolicyId: "rhp-1",
            },
            orderedCacheBehaviors: [
                {
                    pathPattern: "/api/*",
                    targetOriginId: "api",
                    viewerProtocolPolicy: "https-only",
                    responseHeadersPolicyId: "67f7725c-6f97-4210-82d7-5512b31e9d03",
                },
            ],
            viewerCertificate: {
                acmCertificateArn: "arn:aws:acm:us-east-1:1:certificate/x",
                minimumProtocolVersion: "TLSv1.2_2021",
                sslSupportMethod: "sni-only",
            },
            ...props,
        },
    },
];

describe("cloudfront rules", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it("passes the compliant distribution", async () => {
        expect((await pack.analyze(dist())).filter((v) => v.policyName.startsWith("cloudfront-"))).to.deep.equal([]);
    });

    it("cloudfront-distribution-default-root-object: fails an S3-origin distribution without one", async () => {
        expect(
            findings(
                await pack.analyze(dist({ defaultRootObject: "" })),
                "cloudfront-distribution-default-root-object",
            ),
        ).to.have.length(1);
        expect(
            findings(
                await pack.analyze(dist({ defaultRootObject: "", origins: [API_ORIGIN] })),
                "cloudfront-distribution-default-root-object",
            ),
        ).to.deep.equal([]);
    });

    it("cloudfront-distribution-https-only: judges default and ordered behaviours", async () => {
        const vs = findings(
            await pack.analyze(
                dist({
                    orderedCacheBehaviors: [
                        { pathPattern: "/x", viewerProtocolPolicy: "allow-all", responseHeadersPolicyId: "rhp-1" },
                    ],
                }),
            ),
            "cloudfront-distribution-https-only",
        );
        expect(vs[0].message).to.include("orderedCacheBehaviors[0].viewerProtocolPolicy is allow-all");
    });

    it("cloudfront-distribution-s3-origin-access-control: fails OAI, website endpoint and a bare S3 origin", async () => {
        const rule = "cloudfront-distribution-s3-origin-access-control";
        const oai = {
            originId: "site",
            domainName: "site.s3.us-west-2.amazonaws.com",
            s3OriginConfig: { originAccessIdentity: "origin-access-identity/cloudfront/E1" },
        };
        expect(findings(await pack.analyze(dist({ origins: [oai] })), rule)[0].message).to.include(
            "not an origin access identity",
        );
        const website = {
            originId: "site",
            domainName: "site.s3-website-us-west-2.amazonaws.com",
            customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
        };
        expect(findings(await pack.analyze(dist({ origins: [website] })), rule)[0].message).to.include(
            "S3 website endpoint",
        );
        expect(
            findings(
                await pack.analyze(dist({ origins: [{ originId: "site", domainName: "site.s3.amazonaws.com" }] })),
                rule,
            ),
        ).to.have.length(1);
    });

    it("custom origins: https-only and TLSv1.2 only", async () => {
        const weak = {
            ...API_ORIGIN,
            customOriginConfig: { originProtocolPolicy: "match-viewer", originSslProtocols: ["TLSv1", "TLSv1.2"] },
        };
        const vs = await pack.analyze(dist({ origins: [S3_ORIGIN, weak] }));
        expect(findings(vs, "cloudfront-distribution-custom-origin-https-only")).to.have.length(1);
        expect(findings(vs, "cloudfront-distribution-custom-origin-tls12")[0].message).to.include("[TLSv1, TLSv1.2]");
    });

    it("cloudfront-distribution-viewer-tls12: custom certificate needs TLSv1.2_2021; default certificate not judged", async () => {
        const rule = "cloudfront-distribution-viewer-tls12";
        expect(
            findings(
                await pack.analyze(
                    dist({
                        viewerCertificate: {
                            acmCertificateArn: "arn:x",
                            minimumProtocolVersion: "TLSv1.1_2016",
                            sslSupportMethod: "sni-only",
                        },
                    }),
                ),
                rule,
            ),
        ).to.have.length(1);
        expect(
            findings(await pack.analyze(dist({ viewerCertificate: { cloudfrontDefaultCertificate: true } })), rule),
        ).to.deep.equal([]);
    });

    it("cloudfront-distribution-viewer-default-certificate: advisory on the default certificate, quiet with a custom one", async () => {
        const rule = "cloudfront-distribution-viewer-default-certificate";
        const onDefault = findings(
            await pack.analyze(dist({ viewerCertificate: { cloudfrontDefaultCertificate: true } })),
            rule,
        );
        expect(onDefault.map((v) => v.enforcementLevel)).to.deep.equal(["advisory"]);
        expect(onDefault[0].message).to.include("TLS 1.0 and 1.1").and.include("TLSv1.2_2021");
        const custom = {
            viewerCertificate: {
                acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x",
                minimumProtocolVersion: "TLSv1.2_2021",
                sslSupportMethod: "sni-only",
            },
        };
        expect(findings(await pack.analyze(dist(custom)), rule)).to.deep.equal([]);
        expect(
            findings(await pack.analyze(dist({ viewerCertificate: { iamCertificateId: "ASCA123" } })), rule),
        ).to.deep.equal([]);
    });

    it("cloudfront-distribution-logging-enabled: legacy or v2 standard logging", async () => {
        const rule = "cloudfront-distribution-logging-enabled";
        expect(findings(await pack.analyze(dist({ loggingConfig: undefined })), rule)).to.have.length(1);
        const v2 = [
            ...dist({ loggingConfig: undefined }),
            {
                type: AWS_TYPES.logDeliverySource,
                name: "src",
                props: {
                    name: "cdn-src",
                    logType: "ACCESS_LOGS",
                    resourceArn: "arn:aws:cloudfront::1:distribution/E1",
                },
            },
            {
                type: AWS_TYPES.logDelivery,
                name: "delivery",
                props: { deliverySourceName: "cdn-src", deliveryDestinationArn: "arn:dest" },
            },
        ];
        expect(findings(await pack.analyze(v2), rule)).to.deep.equal([]);
    });

    it("cloudfront-distribution-waf-enabled: advisory", async () => {
        expect(
            findings(await pack.analyze(dist({ webAclId: "" })), "cloudfront-distribution-waf-enabled").map(
                (v) => v.enforcementLevel,
            ),
        ).to.deep.equal(["advisory"]);
    });

    it("cloudfront-distribution-security-headers: every behaviour, policy contents checked", async () => {
        const rule = "cloudfront-distribution-security-headers";
        expect(
            findings(
                await pack.analyze(
                    dist({ orderedCacheBehaviors: [{ pathPattern: "/x", viewerProtocolPolicy: "https-only" }] }),
                ),
                rule,
            )[0].message,
        ).to.include("orderedCacheBehaviors[0].responseHeadersPolicyId is unset");
        const weak = dist();
        weak[0] = {
            ...weak[0],
            props: { id: "rhp-1", securityHeadersConfig: { contentTypeOptions: { override: true } } },
        };
        expect(findings(await pack.analyze(weak), rule)[0].message).to.include(
            "lacks strictTransportSecurity, frameOptions",
        );
    });

    it("is undecided, never mandatory, on unknown origins", async () => {
        const vs = await pack.analyze(dist({ origins: PACK_UNKNOWN }));
        expect(
            vs.filter((v) => v.policyName.startsWith("cloudfront-") && v.enforcementLevel === "mandatory"),
        ).to.deep.equal([]);
        expect(undecided(vs, "cloudfront-distribution-s3-origin-access-control")).to.have.length(1);
    });
});
