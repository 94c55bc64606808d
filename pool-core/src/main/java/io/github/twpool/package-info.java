/**
 * twpool's API: {@link io.github.twpool.TwPoolDataSource}, its configuration ({@link io.github.twpool.TwPoolConfig},
 * {@link io.github.twpool.TwPoolConfigException}) and the churn report it gives
 * ({@link io.github.twpool.TwPoolDataSource#churnReport()}).
 *
 * <p>The report's value types ({@link io.github.twpool.ChurnReport}, {@link io.github.twpool.ChurnRates},
 * {@link io.github.twpool.SocketCensus}, ...) are created by twpool: their accessors are API, their constructors
 * are not (except {@link io.github.twpool.ServerStatus}'s, which an extension's
 * {@link io.github.twpool.spi.ServerStatusSource} calls), and they grow by appending components. Packages named
 * {@code internal} are not API. The rules: docs/API.md.
 */
package io.github.twpool;
