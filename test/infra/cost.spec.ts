/** docs/COST.md: its total is the sum of its lines, and its assumptions match the program's defaults. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS } from "../../infra/config";
import { EDGE_LOG_REGIONS } from "../../infra/edge";
import { ofType, program } from "./program";

const COST = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "COST.md"), "utf-8");

describe("docs/COST.md", () => {
    const rows = COST.split("\n")
        .filter((l) => /^\| [A-Z]/.test(l))
        .map((l) => l.split("|").map((c) => c.trim()));
    it("has a total equal to the sum of its lines, each with an AWS pricing page", () => {
        const lines = rows.filter((r) => r[2] !== "**Total**" && r[1] !== "tier");
        expect(lines.length).to.be.greaterThan(20);
        for (const r of lines) expect(r[5], r[2]).to.match(/^https:\/\/aws\.amazon\.com\/[\w/-]+\/$/);
        const sum = lines.reduce((s, r) => s + Number(r[4]), 0);
        const total = Number(COST.match(/\| \*\*Total\*\* \| \| \*\*([\d.]+)\*\*/)![1]);
        expect(Math.abs(sum - total)).to.be.lessThan(0.015);
    });

    it("prices what the dev stack deploys: keys, alarms, NAT gateways, interface endpoint AZs", async () => {
        const p = await program("resolved");
        expect(COST).to.contain(`${ofType(p, "aws:kms/key:Key").length} × $1.00/month`);
        expect(COST).to.contain(`${ofType(p, "aws:cloudwatch/metricAlarm:MetricAlarm").length} × $0.10/month`);
        expect(ofType(p, "aws:ec2/natGateway:NatGateway")).to.have.length(1);
        expect(COST).to.contain(`${EDGE_LOG_REGIONS.length - 1} Lambda@Edge log keys`);
        expect(COST).to.contain(`kinesisRetentionHours: ${DEFAULTS.kinesisRetentionHours}`);
        expect(COST).to.contain(`flowLogAggregationSeconds: ${DEFAULTS.flowLogAggregationSeconds}`);
    });
});
