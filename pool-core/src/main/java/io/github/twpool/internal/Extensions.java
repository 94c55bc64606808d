package io.github.twpool.internal;

import io.github.twpool.spi.TwPoolExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The extensions found on the classpath, loaded once. */
public final class Extensions {

    private static volatile List<TwPoolExtension> discovered;

    private Extensions() {
    }

    public static List<TwPoolExtension> discovered() {
        List<TwPoolExtension> d = discovered;
        if (d == null) {
            List<TwPoolExtension> found = new ArrayList<>();
            for (TwPoolExtension e : ServiceLoader.load(TwPoolExtension.class, Extensions.class.getClassLoader())) {
                found.add(e);
            }
            // By name, not by class path order: the generated metadata and the README tables must not depend on
            // the order of jars on a class path (the build's generator and an application see different orders).
            found.sort(java.util.Comparator.comparing(TwPoolExtension::name));
            discovered = d = List.copyOf(found);
        }
        return d;
    }

    /** Those of {@code candidates} that apply to the URL. */
    public static List<TwPoolExtension> forUrl(List<TwPoolExtension> candidates, String url) {
        List<TwPoolExtension> out = new ArrayList<>();
        if (url != null) {
            for (TwPoolExtension e : candidates) {
                if (e.supports(url)) {
                    out.add(e);
                }
            }
        }
        return out;
    }
}
