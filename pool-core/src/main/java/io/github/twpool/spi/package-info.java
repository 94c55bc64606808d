/**
 * The extension SPI: a {@link io.github.twpool.spi.TwPoolExtension} found with {@link java.util.ServiceLoader}
 * (pool-mysql's is one) can change the configuration, decorate connections and read server-side counters, with the
 * helpers every extension needs to treat configuration the way twpool does. An extension uses this package and
 * {@code io.github.twpool} only; the build fails when a module uses another module's {@code internal} packages.
 * Interfaces here grow by default methods only.
 */
package io.github.twpool.spi;
