package io.github.twpool.internal.connect;

import io.github.twpool.internal.probe.ClientSocketSampler;
import io.github.twpool.internal.probe.ClientSocketSink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A census the test scripts: the inodes it reports, what runs while it "scans", or the failure it throws. */
final class ScriptedCensus implements ClientSocketSampler {

    private final String method;
    List<Long> inodes = new ArrayList<>();
    Consumer<Void> during = v -> { };
    IOException failure;

    ScriptedCensus(String method) {
        this.method = method;
    }

    @Override
    public void sample(ClientSocketSink sink) throws IOException {
        if (failure != null) {
            throw failure;
        }
        during.accept(null);
        inodes.forEach(i -> sink.socket(i, 0, ClientSocketSink.NO_CGROUP, false));
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public boolean reportsCgroup() {
        return false;
    }

    @Override
    public void close() {
    }
}
