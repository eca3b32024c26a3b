/** Unit tests of lib/security-groups.ts: one reading of a rule's entries whatever form wrote it. */
import { expect } from "chai";
import { PACK_UNKNOWN } from "../../../policies/lib/props";
import { ruleEntries } from "../../../policies/lib/security-groups";
import { AWS_TYPES } from "../../../policies/lib/types";

describe("security-group rule entries", () => {
    it("reads inline rules of the asked direction, each CIDR list with its path, protocol and ports", () => {
        const group = {
            type: AWS_TYPES.securityGroup,
            props: {
                ingress: [{ cidrBlocks: ["10.0.0.0/8"], protocol: "tcp", fromPort: 443, toPort: 443 }],
                egress: [PACK_UNKNOWN, { cidrBlocks: ["0.0.0.0/0"], protocol: "-1", fromPort: 0, toPort: 0 }],
            },
        };
        expect(ruleEntries(group, "egress")).to.deep.equal([
            { unknown: "egress[0]" },
            { path: "egress[1].cidrBlocks", cidrs: ["0.0.0.0/0"], protocol: "-1", from: 0, to: 0 },
            { path: "egress[1].ipv6CidrBlocks", cidrs: undefined, protocol: "-1", from: 0, to: 0 },
        ]);
        expect(ruleEntries({ ...group, props: { ingress: PACK_UNKNOWN } }, "ingress")).to.deep.equal([
            { unknown: "ingress" },
        ]);
    });

    it("reads an aws.ec2.SecurityGroupRule only for its own type, and an unknown type as unknown", () => {
        const rule = (type: unknown) => ({
            type: AWS_TYPES.securityGroupRule,
            props: { type, cidrBlocks: ["0.0.0.0/0"], protocol: "tcp", fromPort: 22, toPort: 22 },
        });
        expect(ruleEntries(rule("ingress"), "ingress").map((e) => ("path" in e ? e.path : e))).to.deep.equal([
            "cidrBlocks",
            "ipv6CidrBlocks",
        ]);
        expect(ruleEntries(rule("ingress"), "egress")).to.deep.equal([]);
        expect(ruleEntries(rule(PACK_UNKNOWN), "egress")).to.deep.equal([{ unknown: "type" }]);
    });

    it("reads the aws.vpc rule resource of the asked direction only, with ipProtocol", () => {
        const egress = {
            type: AWS_TYPES.securityGroupEgressRule,
            props: { cidrIpv6: "::/0", ipProtocol: "-1" },
        };
        expect(ruleEntries(egress, "egress")).to.deep.equal([
            { path: "cidrIpv4", cidrs: undefined, protocol: "-1", from: undefined, to: undefined },
            { path: "cidrIpv6", cidrs: "::/0", protocol: "-1", from: undefined, to: undefined },
        ]);
        expect(ruleEntries(egress, "ingress")).to.deep.equal([]);
    });
});
