package io.github.twpool.agent;

import io.github.twpool.agent.bootstrap.ConnectHook;
import io.github.twpool.agent.log.AppLog;
import io.github.twpool.internal.probe.Endpoint;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs on the connecting thread, once per connect a driver completed: finds the endpoint ({@code host:port} of the
 * URL, which is dropped at once), who opened the connection ({@link Opener}), and counts it. Bounded: at most
 * {@value #MAX_ENDPOINTS} endpoints are kept apart.
 */
final class ConnectRecorder implements ConnectHook.Sink {

    static final int MAX_ENDPOINTS = 64;

    private final AgentOptions options;
    private final ConcurrentHashMap<String, EndpointCounts> endpoints = new ConcurrentHashMap<>();
    /** Connects whose URL names no host and port (an in-memory database) or beyond {@link #MAX_ENDPOINTS}. */
    private final LongAdder unwatched = new LongAdder();
    private final LongAdder ignored = new LongAdder();

    ConnectRecorder(AgentOptions options) {
        this.options = options;
    }

    @Override
    public void connected(String url, String driverType, Throwable failure) {
        String endpoint = Endpoint.displayOf(url);
        if (endpoint.startsWith("(")) {
            unwatched.increment();
            return;
        }
        if (options.ignores(endpoint)) {
            ignored.increment();
            return;
        }
        EndpointCounts counts = endpoints.get(endpoint);
        if (counts == null) {
            if (endpoints.size() >= MAX_ENDPOINTS) {
                unwatched.increment();
                return;
            }
            counts = endpoints.computeIfAbsent(endpoint, EndpointCounts::new);
        }
        AppLog.noteApplicationLoader(Thread.currentThread().getContextClassLoader());
        if (failure != null) {
            counts.failed();
        } else {
            counts.opened(Opener.current(driverType));
        }
    }

    /** The endpoints seen so far, by {@code host:port} as the URLs wrote it. */
    Map<String, EndpointCounts> endpoints() {
        return endpoints;
    }

    long unwatched() {
        return unwatched.sum();
    }

    long ignored() {
        return ignored.sum();
    }
}
