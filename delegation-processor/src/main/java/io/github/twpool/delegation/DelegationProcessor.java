package io.github.twpool.delegation;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;

/**
 * Writes the delegation of each {@link Delegating} class. The interfaces are read through the compiler's own model,
 * so the methods are those of the platform the build compiles against ({@code --release}), not of the JDK that runs
 * the build; methods come out sorted by signature, so the same sources give the same output on every JDK.
 */
public final class DelegationProcessor extends AbstractProcessor {

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(Delegating.class.getName());
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (Element e : round.getElementsAnnotatedWith(Delegating.class)) {
            if (e.getKind() != ElementKind.CLASS || !e.getModifiers().contains(Modifier.ABSTRACT)) {
                error(e, "@Delegating belongs on an abstract class");
                continue;
            }
            try {
                write((TypeElement) e);
            } catch (IOException | IllegalStateException x) {
                error(e, "cannot write its delegation: " + x.getMessage());
            }
        }
        return true;
    }

    private void write(TypeElement type) throws IOException {
        Elements elements = processingEnv.getElementUtils();
        Types types = processingEnv.getTypeUtils();
        Delegating spec = type.getAnnotation(Delegating.class);
        String pkg = elements.getPackageOf(type).getQualifiedName().toString();
        String name = spec.name().isEmpty() ? "Generated" + type.getSimpleName() : spec.name();
        VariableElement field = member(type, spec.field(), ElementFilter::fieldsIn);
        ExecutableElement check = spec.check().isEmpty() ? null : member(type, spec.check(), ElementFilter::methodsIn);
        ExecutableElement wrap = spec.wrap().isEmpty() ? null : member(type, spec.wrap(), ElementFilter::methodsIn);
        ExecutableElement observer = spec.observer().isEmpty() ? null : member(type, spec.observer(), ElementFilter::methodsIn);
        if (wrap != null && wrap.getParameters().size() != 1) {
            throw new IllegalStateException(spec.wrap() + " must take one argument");
        }
        if (observer != null && observer.getParameters().size() != 1) {
            throw new IllegalStateException(spec.observer() + " must take one argument");
        }
        List<String> observed = List.of(spec.observed());

        StringBuilder s = new StringBuilder();
        s.append("package ").append(pkg).append(";\n\n");
        s.append("/** The delegation of {@link ").append(type.getSimpleName())
                .append("}, generated at build time; its behaviour is written there. */\n");
        s.append("@javax.annotation.processing.Generated(\"").append(DelegationProcessor.class.getName()).append("\")\n");
        s.append("@SuppressWarnings(\"deprecation\")\n");
        s.append("final class ").append(name).append(" extends ").append(type.getSimpleName()).append(" {\n");
        for (ExecutableElement c : ElementFilter.constructorsIn(type.getEnclosedElements())) {
            if (c.getModifiers().contains(Modifier.PRIVATE)) {
                continue;
            }
            s.append("\n    ").append(name).append("(").append(parameters(c)).append(")").append(throwsClause(c)).append(" {\n");
            s.append("        super(").append(arguments(c)).append(");\n    }\n");
        }
        for (ExecutableElement m : openMethods(type)) {
            TypeElement iface = (TypeElement) m.getEnclosingElement();
            String target = types.isAssignable(types.erasure(field.asType()), types.erasure(iface.asType()))
                    ? field.getSimpleName().toString()
                    : "((" + iface.getQualifiedName() + ") " + field.getSimpleName() + ")";
            String call = target + "." + m.getSimpleName() + "(" + arguments(m) + ")";
            s.append("\n    @Override\n    public ").append(typeParameters(m)).append(m.getReturnType()).append(' ')
                    .append(m.getSimpleName()).append("(").append(parameters(m)).append(")").append(throwsClause(m)).append(" {\n");
            if (check != null && mayThrowAll(m, check)) {
                s.append("        ").append(check.getSimpleName()).append("();\n");
            }
            if (observer != null && observed.contains(m.getSimpleName().toString()) && !m.getParameters().isEmpty()
                    && types.isSameType(m.getParameters().get(0).asType(), observer.getParameters().get(0).asType())) {
                s.append("        ").append(observer.getSimpleName()).append("(a0);\n");
            }
            if (m.getReturnType().getKind() == TypeKind.VOID) {
                s.append("        ").append(call).append(";\n");
            } else if (wrap != null && types.isSameType(m.getReturnType(), wrap.getParameters().get(0).asType())) {
                s.append("        return ").append(wrap.getSimpleName()).append("(").append(call).append(");\n");
            } else {
                s.append("        return ").append(call).append(";\n");
            }
            s.append("    }\n");
        }
        s.append("}\n");
        try (Writer w = processingEnv.getFiler().createSourceFile(pkg + "." + name, type).openWriter()) {
            w.write(s.toString());
        }
    }

    /**
     * The interface methods (abstract or default) that no concrete method of the class or its superclasses
     * implements, one per signature: where two interfaces declare it, the more specific declaration.
     */
    private List<ExecutableElement> openMethods(TypeElement type) {
        Elements elements = processingEnv.getElementUtils();
        Types types = processingEnv.getTypeUtils();
        List<ExecutableElement> implemented = new ArrayList<>();
        List<TypeElement> interfaces = new ArrayList<>();
        for (TypeElement c = type; c != null && !c.getQualifiedName().contentEquals("java.lang.Object"); c = superclass(c)) {
            for (ExecutableElement m : ElementFilter.methodsIn(c.getEnclosedElements())) {
                if (!m.getModifiers().contains(Modifier.ABSTRACT)) {
                    implemented.add(m);
                }
            }
            collectInterfaces(c, interfaces);
        }
        Map<String, ExecutableElement> open = new LinkedHashMap<>();
        for (TypeElement iface : interfaces) {
            for (ExecutableElement m : ElementFilter.methodsIn(iface.getEnclosedElements())) {
                Set<Modifier> mods = m.getModifiers();
                if (mods.contains(Modifier.STATIC) || mods.contains(Modifier.PRIVATE)
                        || implemented.stream().anyMatch(c -> elements.overrides(c, m, type))) {
                    continue;
                }
                open.merge(signature(m), m, (a, b) -> types.isSubtype(types.erasure(b.getEnclosingElement().asType()),
                        types.erasure(a.getEnclosingElement().asType())) ? b : a);
            }
        }
        return open.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue)
                .collect(Collectors.toList());
    }

    private void collectInterfaces(TypeElement t, List<TypeElement> into) {
        for (TypeMirror i : t.getInterfaces()) {
            TypeElement e = (TypeElement) ((DeclaredType) i).asElement();
            if (!into.contains(e)) {
                into.add(e);
                collectInterfaces(e, into);
            }
        }
    }

    private static TypeElement superclass(TypeElement t) {
        TypeMirror s = t.getSuperclass();
        return s.getKind() == TypeKind.DECLARED ? (TypeElement) ((DeclaredType) s).asElement() : null;
    }

    /** A member of the class or of a superclass, by name. */
    private static <T extends Element> T member(TypeElement type, String name,
                                                java.util.function.Function<List<? extends Element>, List<T>> kind) {
        for (TypeElement c = type; c != null; c = superclass(c)) {
            for (T m : kind.apply(c.getEnclosedElements())) {
                if (m.getSimpleName().contentEquals(name) && !m.getModifiers().contains(Modifier.PRIVATE)) {
                    return m;
                }
            }
        }
        throw new IllegalStateException("no non-private member named " + name + " in " + type + " or its superclasses");
    }

    /** Whether {@code m} declares every checked exception {@code check} throws (or a supertype of it). */
    private boolean mayThrowAll(ExecutableElement m, ExecutableElement check) {
        Types types = processingEnv.getTypeUtils();
        return check.getThrownTypes().stream()
                .allMatch(t -> m.getThrownTypes().stream().anyMatch(d -> types.isSubtype(t, d)));
    }

    private String signature(ExecutableElement m) {
        Types types = processingEnv.getTypeUtils();
        return m.getSimpleName() + m.getParameters().stream().map(p -> types.erasure(p.asType()).toString())
                .collect(Collectors.joining(",", "(", ")"));
    }

    private static String typeParameters(ExecutableElement m) {
        if (m.getTypeParameters().isEmpty()) {
            return "";
        }
        List<String> out = new ArrayList<>();
        for (TypeParameterElement p : m.getTypeParameters()) {
            List<String> bounds = p.getBounds().stream().map(TypeMirror::toString)
                    .filter(b -> !b.equals("java.lang.Object")).collect(Collectors.toList());
            out.add(p.getSimpleName() + (bounds.isEmpty() ? "" : " extends " + String.join(" & ", bounds)));
        }
        return "<" + String.join(", ", out) + "> ";
    }

    private static String parameters(ExecutableElement m) {
        List<String> out = new ArrayList<>();
        List<? extends VariableElement> ps = m.getParameters();
        for (int i = 0; i < ps.size(); i++) {
            String t = ps.get(i).asType().toString();
            if (m.isVarArgs() && i == ps.size() - 1) {
                t = t.substring(0, t.length() - 2) + "...";
            }
            out.add(t + " a" + i);
        }
        return String.join(", ", out);
    }

    private static String arguments(ExecutableElement m) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < m.getParameters().size(); i++) {
            out.add("a" + i);
        }
        return String.join(", ", out);
    }

    private static String throwsClause(ExecutableElement m) {
        return m.getThrownTypes().isEmpty() ? ""
                : " throws " + m.getThrownTypes().stream().map(TypeMirror::toString).collect(Collectors.joining(", "));
    }

    private void error(Element e, String message) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, e);
    }
}
