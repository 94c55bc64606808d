package io.github.twpool.agent;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.loading.ClassInjector;
import net.bytebuddy.utility.JavaModule;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.LinkedHashMap;
import java.util.Map;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Puts {@link ConnectAdvice} into every class that implements {@code java.sql.Driver.connect(String, Properties)},
 * loaded now or later, in any class loader: the drivers {@code DriverManager} knows and those a pool instantiates by
 * class name alike. The advice only observes; classes keep their shape (no field or method is added), so classes
 * loaded before the agent are retransformed the same way.
 */
final class Instrumenter {

    /** The hook and its sink interface, defined in the bootstrap class loader where the JVM allows it. */
    static final String HOOK = "io.github.twpool.agent.bootstrap.ConnectHook";
    static final String[] BOOTSTRAP_CLASSES = {HOOK, HOOK + "$Sink"};

    private Instrumenter() {
    }

    /**
     * Defines the hook in the bootstrap class loader, so that drivers in class loaders that do not delegate to the
     * application class loader see it too. Returns where it lives: {@code bootstrap}, or why it stays in the agent's
     * class loader (drivers there and in its children are instrumented all the same).
     */
    static String defineHookInBootstrap(Instrumentation inst) {
        try {
            Map<String, byte[]> classes = new LinkedHashMap<>();
            for (String name : BOOTSTRAP_CLASSES) {
                try (InputStream in = Instrumenter.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    if (in == null) {
                        return "its class file is missing from the agent jar";
                    }
                    classes.put(name, in.readAllBytes());
                }
            }
            ClassInjector.UsingUnsafe.Factory factory = ClassInjector.UsingUnsafe.Factory.resolve(inst);
            if (!factory.isAvailable()) {
                return "this JVM does not let the agent define classes in the bootstrap class loader";
            }
            factory.make(null, null).injectRaw(classes);
            return "bootstrap";
        } catch (IOException | RuntimeException | LinkageError e) {
            return "defining it failed (" + e + ")";
        }
    }

    static ClassFileTransformer install(Instrumentation inst, AgentBuilder.Listener listener) {
        return new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Reiterating.INSTANCE)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(listener)
                .ignore(nameStartsWith("java.").or(nameStartsWith("jdk.")).or(nameStartsWith("sun."))
                        .or(nameStartsWith("com.sun.")).or(nameStartsWith("net.bytebuddy."))
                        .or(nameStartsWith("io.github.twpool.agent.")).or(isSynthetic()).or(isInterface()))
                .type(hasSuperType(named("java.sql.Driver")))
                .transform((builder, type, loader, module, domain) -> builder.visit(Advice.to(ConnectAdvice.class)
                        .on(named("connect").and(not(isAbstract())).and(takesArguments(2))
                                .and(takesArgument(0, String.class))
                                .and(takesArgument(1, named("java.util.Properties")))
                                .and(returns(named("java.sql.Connection"))))))
                .installOn(inst);
    }

    /** Counts and remembers the first few classes the instrumentation could not transform, for one message. */
    static final class Errors extends AgentBuilder.Listener.Adapter {
        private final Map<String, String> failures = new LinkedHashMap<>();
        private int transformed;

        @Override
        public synchronized void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                                         Throwable throwable) {
            if (failures.size() < 5) {
                failures.put(typeName, throwable.toString());
            }
        }

        @Override
        public synchronized void onTransformation(TypeDescription typeDescription, ClassLoader classLoader,
                                                  JavaModule module, boolean loaded,
                                                  net.bytebuddy.dynamic.DynamicType dynamicType) {
            transformed++;
        }

        synchronized Map<String, String> failures() {
            return new LinkedHashMap<>(failures);
        }

        synchronized int transformed() {
            return transformed;
        }
    }

}
