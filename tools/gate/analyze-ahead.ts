/**
 * Analyze while the program runs, as the engine does it: the deployment executor hands each
 * RegisterResourceEvent to the step generator as the program sends it, and the step generator
 * calls every analyzer on that resource's inputs there and then, while the program goes on
 * (pulumi/pulumi pkg/resource/deploy/deployment_executor.go handleSingleEvent,
 * pkg/resource/deploy/step_generator.go generateSteps -> analyzeAll).
 *
 * The gate's engine streams each record as it is made (engine.ts `onResource`); once the pack is
 * started and configured, this sends Analyze for each, a few at a time. The preview
 * (PackClient.preview) then takes an answer only for a resource whose request is the very same
 * one (URN, type, name, inputs, options, parent and provider, compared as JSON); a resource
 * recorded differently by the end of the run is asked again. So the report is the one an
 * after-the-run preview gives, whatever the timing: this only moves work earlier.
 */
import { ANALYZE_IN_FLIGHT, AnalyzeOutcome, AnswersAhead, PackClient, providerUrn } from "./analyzer";
import type { ResourceRecord } from "./types";

/** What an Analyze request is made of (analyzer.ts describeResource), as one comparable string. */
function requestKey(r: ResourceRecord, provider: ResourceRecord | undefined): string {
    return JSON.stringify([
        r.urn,
        r.type,
        r.name,
        r.inputs,
        r.options,
        r.parent,
        provider && [provider.urn, provider.type, provider.name, provider.inputs],
    ]);
}

/** One pack's Analyze calls sent while the program runs. */
export class AnalyzeAhead implements AnswersAhead {
    private readonly providers = new Map<string, ResourceRecord>();
    private readonly waiting: ResourceRecord[] = [];
    private nextWaiting = 0;
    private readonly sent = new Map<string, { request: string; outcome: Promise<AnalyzeOutcome> }>();
    private pack: PackClient | undefined;
    private inFlight = 0;
    private closed = false;

    /** A resource the engine has just recorded. */
    add(r: ResourceRecord): void {
        if (this.closed) return;
        if (r.type.startsWith("pulumi:providers:")) this.providers.set(r.urn, r);
        // A read (`Resource.get`) is not analysed on inputs (step_generator.go GenerateReadSteps).
        if (r.external) return;
        this.waiting.push(r);
        this.send();
    }

    /** The pack is started and configured: what has waited goes out. */
    begin(pack: PackClient): void {
        this.pack = pack;
        this.send();
    }

    /** No more calls: the preview has begun (it asks for what was not sent) or the run has failed. */
    close(): void {
        this.closed = true;
        this.waiting.length = 0;
    }

    answerFor(r: ResourceRecord, provider: ResourceRecord | undefined): Promise<AnalyzeOutcome> | undefined {
        const sent = this.sent.get(r.urn);
        return sent && sent.request === requestKey(r, provider) ? sent.outcome : undefined;
    }

    private send(): void {
        while (
            this.pack &&
            !this.closed &&
            this.inFlight < ANALYZE_IN_FLIGHT &&
            this.nextWaiting < this.waiting.length
        ) {
            const r = this.waiting[this.nextWaiting++]!;
            const provider = r.provider ? this.providers.get(providerUrn(r.provider)) : undefined;
            const outcome = this.pack.analyze(r, provider);
            this.sent.set(r.urn, { request: requestKey(r, provider), outcome });
            this.inFlight++;
            // A failed call fails the preview when it takes this answer, as asking then would;
            // an answer never taken is dropped with its error.
            const done = () => {
                this.inFlight--;
                this.send();
            };
            outcome.then(done, done);
        }
    }
}
