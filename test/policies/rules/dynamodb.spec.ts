import { expect } from "chai";
import { findings, itPassesAndFails, PackHarness, ruleCases, startPack, undecided } from "../support";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { AWS_TYPES } from "../../../policies/lib/types";

const table = (props: Record<string, unknown>) => [
    {
        type: AWS_TYPES.dynamodbTable,
        name: "items",
        props: { pointInTimeRecovery: { enabled: true }, deletionProtectionEnabled: true, ...props },
    },
];

describe("dynamodb rules", function () {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    it("dynamodb-table-pitr-enabled: mandatory when off or unset, undecided when unknown", async () => {
        const rule = "dynamodb-table-pitr-enabled";
        expect(findings(await pack.analyze(table({})), rule)).to.deep.equal([]);
        const vs = findings(await pack.analyze(table({ pointInTimeRecovery: { enabled: false } })), rule);
        expect(vs[0].enforcementLevel).to.equal("mandatory");
        expect(vs[0].message).to.equal(
            "aws.dynamodb.Table 'items' must enable point-in-time recovery: set pointInTimeRecovery.enabled to true",
        );
        expect(findings(await pack.analyze(table({ pointInTimeRecovery: undefined })), rule)).to.have.length(1);
        expect(
            undecided(await pack.analyze(table({ pointInTimeRecovery: { enabled: PACK_UNKNOWN } })), rule),
        ).to.have.length(1);
        expect(findings(await pack.analyze(table({ pointInTimeRecovery: "junk" })), rule)).to.have.length(1);
    });

    it("dynamodb-table-deletion-protection: advisory", async () => {
        const vs = findings(
            await pack.analyze(table({ deletionProtectionEnabled: false })),
            "dynamodb-table-deletion-protection",
        );
        expect(vs.map((v) => v.enforcementLevel)).to.deep.equal(["advisory"]);
    });

    itPassesAndFails(
        () => pack,
        [
            [
                "dynamodb-table-encrypted-cmk",
                AWS_TYPES.dynamodbTable,
                { serverSideEncryption: { enabled: true, kmsKeyArn: "arn:k" } },
                { serverSideEncryption: { enabled: true } },
            ],
            [
                "dynamodb-table-encrypted-cmk",
                AWS_TYPES.dynamodbTable,
                { serverSideEncryption: { enabled: true, kmsKeyArn: "arn:k" } },
                {},
            ],
        ],
    );
    it("dynamodb-table-encrypted-cmk: is undecided on an unknown setting", async () => {
        const v = await pack.analyze([
            { type: AWS_TYPES.dynamodbTable, name: "d", props: { serverSideEncryption: { enabled: PACK_UNKNOWN } } },
        ]);
        expect(undecided(v, "dynamodb-table-encrypted-cmk")).to.have.length(1);
    });
});

describe("DAX rules", () => {
    ruleCases("dynamodb-dax-cluster-encrypted", [
        {
            it: "passes SSE on",
            given: [
                {
                    type: AWS_TYPES.daxCluster,
                    name: "dax",
                    props: { serverSideEncryption: { enabled: true }, clusterEndpointEncryptionType: "TLS" },
                },
            ],
            flags: [],
        },
        {
            it: "fails SSE off or missing",
            given: [
                { type: AWS_TYPES.daxCluster, name: "dax", props: { serverSideEncryption: { enabled: false } } },
                { type: AWS_TYPES.daxCluster, name: "dax2", props: {} },
            ],
            flags: ["dax", "dax2"],
        },
    ]);
    ruleCases("dynamodb-dax-cluster-tls", [
        {
            it: "passes TLS",
            given: [{ type: AWS_TYPES.daxCluster, name: "dax", props: { clusterEndpointEncryptionType: "TLS" } }],
            flags: [],
        },
        {
            it: "fails NONE and the default",
            given: [
                { type: AWS_TYPES.daxCluster, name: "dax", props: { clusterEndpointEncryptionType: "NONE" } },
                { type: AWS_TYPES.daxCluster, name: "dax2", props: {} },
            ],
            flags: ["dax", "dax2"],
        },
    ]);
});
