package io.github.twpool.internal.churn;

import io.github.twpool.ChurnOrigins;
import io.github.twpool.ChurnReport;
import io.github.twpool.internal.connect.ConnectSampler;

import java.util.List;

/**
 * The pool's source of who connects: {@link ConnectSampler}'s view (threads caught in a JDBC driver's connect, the
 * endpoint's new sockets against this process's own) handed to the pipeline. It gives no rate of its own (samples
 * count time, not connects): the rate is the detector's, given to whom the samples name when they name one side
 * alone. It tells the sampler when churn lasts. Not thread-safe: the monitor's thread uses it.
 */
final class SampledOrigins implements ChurnPipeline.AttributionSource {

    static final String METHOD = "sampled threads in a JDBC driver's connect, and the endpoint's new sockets against "
            + "this process's own";

    private final ConnectSampler sampler;
    private long lastNanos;
    /** The endpoint's rate the last tick measured: what the samples must have been able to see. */
    private double endpointRate = Double.NaN;

    SampledOrigins(ConnectSampler sampler) {
        this.sampler = sampler;
    }

    @Override
    public Attribution measure(long nanos) {
        lastNanos = nanos;
        ChurnOrigins o = sampler.origins(nanos, endpointRate);
        List<Attribution.Origin> sites = o.callSites().stream()
                .map(s -> new Attribution.Origin(s.frame(), s.share())).toList();
        return new Attribution(METHOD, Attribution.Kind.CALL_SITE, Double.NaN, Double.NaN, o.undecided(), sites,
                o.stackSamples(), o.connectSamples(), -1, sampler.settled(nanos), null, o);
    }

    @Override
    public Attribution name(boolean churning, double endpointRate) {
        this.endpointRate = endpointRate;
        sampler.churning(churning, lastNanos);
        return null; // what measure() said stands for this tick
    }

    /** The report's view: the samples with the tick's outside rate given to whom they name. */
    static ChurnOrigins reported(Attribution a, Finding.OutsidePool outside) {
        ChurnOrigins o = a.sampled();
        return outside == null ? o : o.withRate(outside.rate(), ChurnMessages.rateMethod(outside));
    }

    static List<ChurnReport.CallSite> callSites(ChurnOrigins o) {
        return o.callSites();
    }
}
