/**
 * iam-policy-no-wildcard-resources and the one wildcard form the Lambda developer guide
 * documents for a VPC function's network-interface actions (`arn:aws:ec2:<region>:<account>:*\/*`).
 */
import { expect } from "chai";
import { PackHarness, startPack } from "../helpers/pack";
import { doc, findings } from "./support";

const RULE = "iam-policy-no-wildcard-resources";
const MANAGE = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"];
const DOCUMENTED = "arn:aws:ec2:us-west-2:123456789012:*/*";

describe("IAM rules: Lambda VPC network-interface scope", () => {
    let pack: PackHarness;
    before(async () => {
        pack = await startPack();
    });
    after(() => pack.close());

    const judge = (statement: Record<string, unknown>) =>
        pack.analyze([{ type: "aws:iam/rolePolicy:RolePolicy", name: "x", props: { role: "r", policy: doc(statement) } }]);

    it("admits the three interface actions on the documented form", async () => {
        expect(findings(await judge({ Effect: "Allow", Action: MANAGE, Resource: DOCUMENTED }), RULE)).to.deep.equal([]);
    });
    it("still fails another scopable action beside them", async () => {
        const f = findings(await judge({ Effect: "Allow", Action: [...MANAGE, "ec2:TerminateInstances"], Resource: DOCUMENTED }), RULE);
        expect(f).to.have.length(1);
    });
    for (const resource of ["*", "arn:aws:ec2:*:123456789012:*/*", "arn:aws:ec2:us-west-2:*:*/*", "arn:aws:ec2:us-west-2:123456789012:*"]) {
        it(`still fails the interface actions on ${resource}`, async () => {
            expect(findings(await judge({ Effect: "Allow", Action: MANAGE, Resource: resource }), RULE)).to.have.length(1);
        });
    }
});
