/**
 * One entry for the CLI: a gate result in the format asked for. Each format lives in its
 * own file; what they must agree on (counts, verdict, order, locations) is in model.ts.
 */
import { GateResult } from "../types";
import { renderJson } from "./json";
import { renderJunit } from "./junit";
import { RenderOptions } from "./model";
import { renderSarif } from "./sarif";
import { renderText } from "./text";

export type ReportFormat = "text" | "json" | "sarif" | "junit";
export const REPORT_FORMATS: readonly ReportFormat[] = ["text", "json", "sarif", "junit"];
export type { RenderOptions, ReportSummary } from "./model";
export { summarize } from "./model";

export function renderReport(result: GateResult, format: ReportFormat, options: RenderOptions = {}): string {
    switch (format) {
        case "text":
            return renderText(result, options);
        case "json":
            return renderJson(result, options);
        case "sarif":
            return renderSarif(result, options);
        case "junit":
            return renderJunit(result);
        default:
            // A format from an unchecked flag: fail loudly rather than print nothing.
            throw new Error(`unknown report format '${String(format)}': use one of ${REPORT_FORMATS.join(", ")}`);
    }
}
