package io.github.twpool.agent;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.utility.JavaModule;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.NexusAccessor;
import net.bytebuddy.matcher.ElementMatcher;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.lang.instrument.Instrumentation;
import java.util.LinkedHashMap;
import java.util.Map;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
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

    /**
     * ByteBuddy's switch for its "nexus", a class it would otherwise inject into the system class loader (through
     * {@code sun.misc.Unsafe}, which Java 23+ reports on standard error) to initialise instrumented types; the agent
     * needs none, and must leave nothing in the application's class loaders.
     */
    private static final String NEXUS_DISABLED = "net.bytebuddy.nexus.disabled";

    private Instrumenter() {
    }

    /** The descriptor of {@code connect(String, Properties)} returning {@code Connection}, as a class file holds it. */
    static final byte[] CONNECT_DESCRIPTOR =
            "(Ljava/lang/String;Ljava/util/Properties;)Ljava/sql/Connection;".getBytes(StandardCharsets.US_ASCII);

    /**
     * Adds the transformer, then retransforms the drivers already loaded (none at JVM start; some when the agent is
     * attached later, or when a driver loads while this runs on the agent's thread). Returns how many were.
     */
    static int install(Instrumentation inst, AgentBuilder.Listener listener) {
        ClassFileTransformer byteBuddy = builder()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(listener)
                .ignore(nameStartsWith("java.").or(nameStartsWith("jdk.")).or(nameStartsWith("sun."))
                        .or(nameStartsWith("com.sun.")).or(nameStartsWith("net.bytebuddy."))
                        .or(nameStartsWith("io.github.twpool.agent.")).or(isSynthetic()).or(isInterface()))
                .type(declaresMethod(CONNECT).and(hasSuperType(named("java.sql.Driver"))))
                .transform((builder, type, loader, module, domain) -> builder.visit(Advice.to(ConnectAdvice.class).on(CONNECT)))
                .makeRaw();
        inst.addTransformer(new Prefilter(byteBuddy), true);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (java.sql.Driver.class.isAssignableFrom(c) && !c.isInterface() && inst.isModifiableClass(c)
                    && !c.getName().startsWith("io.github.twpool.agent.")) {
                loaded.add(c);
            }
        }
        int done = 0;
        for (Class<?> c : loaded) {
            try {
                inst.retransformClasses(c);
                done++;
            } catch (Exception | LinkageError e) {
                listener.onError(c.getName(), null, null, true, e);
            }
        }
        return done;
    }

    private static final ElementMatcher.Junction<MethodDescription> CONNECT = named("connect").and(not(isAbstract()))
            .and(takesArguments(2)).and(takesArgument(0, String.class))
            .and(takesArgument(1, named("java.util.Properties"))).and(returns(named("java.sql.Connection")));

    /**
     * Hands ByteBuddy only the classes whose bytes hold the descriptor of {@code connect(String, Properties)}: a class
     * that declares the method must (it is in its constant pool). Every other class loaded costs a scan of its bytes,
     * not a parse of it and its supertypes.
     */
    static final class Prefilter implements ClassFileTransformer {
        private final ClassFileTransformer delegate;

        Prefilter(ClassFileTransformer delegate) {
            this.delegate = delegate;
        }

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                                ProtectionDomain domain, byte[] bytes) throws IllegalClassFormatException {
            return holds(bytes, CONNECT_DESCRIPTOR) ? delegate.transform(loader, className, classBeingRedefined, domain, bytes) : null;
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                                ProtectionDomain domain, byte[] bytes) throws IllegalClassFormatException {
            return holds(bytes, CONNECT_DESCRIPTOR)
                    ? delegate.transform(module, loader, className, classBeingRedefined, domain, bytes) : null;
        }
    }

    /** Whether {@code needle} occurs in {@code bytes}. */
    static boolean holds(byte[] bytes, byte[] needle) {
        if (bytes == null) {
            return false;
        }
        byte first = needle[0];
        int last = bytes.length - needle.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (bytes[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * Switches ByteBuddy's nexus off. The switch is a system property its accessor reads once, when its class is
     * initialised: this initialises it with the property set, and puts the property back as it was. Called from the
     * agent's start, before the application's {@code main} runs, so that no application code can see the property.
     */
    static void disableNexus() throws ClassNotFoundException {
        String before = System.getProperty(NEXUS_DISABLED);
        System.setProperty(NEXUS_DISABLED, "true");
        try {
            Class.forName(NexusAccessor.class.getName(), true, Instrumenter.class.getClassLoader());
        } finally {
            if (before == null) {
                System.clearProperty(NEXUS_DISABLED);
            } else {
                System.setProperty(NEXUS_DISABLED, before);
            }
        }
    }

    private static AgentBuilder builder() {
        return new AgentBuilder.Default();
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
