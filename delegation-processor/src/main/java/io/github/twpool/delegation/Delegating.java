package io.github.twpool.delegation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an abstract wrapper whose behaviour is hand-written and whose delegation is generated at build time: the
 * {@link DelegationProcessor} writes {@code Generated<Name>} (or {@link #name()}), a final subclass in the same package that implements
 * every interface method the class leaves open by calling the same method on {@link #field()}.
 *
 * <p>What the generated code does besides delegating is named here and written by hand in the class: a check that
 * runs before each call, and a wrapper applied to what calls of one type return.
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Delegating {

    /** The generated class's simple name; {@code Generated<Name>} when empty. */
    String name() default "";

    /** The field (of this class or a superclass, visible to a subclass in the package) holding the wrapped object. */
    String field() default "delegate";

    /**
     * A no-argument method called first by every generated method that may throw what the method throws (such as
     * a closed check); empty for none.
     */
    String check() default "";

    /**
     * A one-argument method applied to the result of every generated method that returns its parameter's type
     * (such as wrapping a {@code ResultSet} so that its way back leads to the wrapper); empty for none.
     */
    String wrap() default "";

    /**
     * A one-argument method called first with the first argument of every generated method named in
     * {@link #observed()} whose first parameter has the observer's parameter type (such as the SQL a statement
     * runs); empty for none.
     */
    String observer() default "";

    /** The names of the generated methods whose first argument goes to the {@link #observer()}. */
    String[] observed() default {};
}
