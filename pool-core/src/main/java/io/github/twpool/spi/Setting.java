package io.github.twpool.spi;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.internal.ConfigRules;
import io.github.twpool.internal.Secrets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The declaration of one {@code twpool.*} key: its name, type, default, bounds, whether it is secret, and one line
 * of documentation. Everything else about the key is derived from it: parsing from properties and {@code TWPOOL_*}
 * variables, the messages for bad values, the start line ({@link TwPoolConfig#describe()}), Spring Boot's
 * configuration metadata and the README's property table.
 *
 * <p>twpool's own keys are declared in {@code io.github.twpool.TwPoolSettings}. An extension declares its keys the same
 * way and returns them from {@link TwPoolExtension#settings()}; their names start with the extension's
 * {@linkplain TwPoolExtension#name() name} and a dot ({@code mysql.clamp-recycle}), and the extension reads them
 * typed with {@link TwPoolConfig#get(Setting)}:
 *
 * <pre>{@code
 * static final Setting<Duration> STATUS_INTERVAL = Setting.duration("mysql.status-interval", Duration.ofSeconds(60))
 *         .range(Duration.ofSeconds(1), Duration.ofHours(1))
 *         .doc("How often server-side signals are read.");
 * }</pre>
 *
 * <p>Instances are immutable: each refining method returns a new declaration.
 *
 * @param <T> the value's Java type: {@link String}, {@link Integer}, {@link Double}, {@link Boolean} or {@link Duration}
 */
public final class Setting<T> {

    /** The kinds of value a key can hold, each with its Java type and its one way of being written. */
    public enum Type {
        TEXT(String.class),
        INTEGER(Integer.class),
        DECIMAL(Double.class),
        BOOLEAN(Boolean.class),
        DURATION(Duration.class);

        private final Class<?> javaType;

        Type(Class<?> javaType) {
            this.javaType = javaType;
        }

        /** The Java type of a value, e.g. {@code java.lang.Integer}. */
        public Class<?> javaType() {
            return javaType;
        }
    }

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,10}");
    private static final Pattern DECIMAL = Pattern.compile("-?([0-9]{1,15}(\\.[0-9]{0,15})?|\\.[0-9]{1,15})");

    private final String key;
    private final Type type;
    private final T defaultValue;
    // Set only by the refining methods below, each on a fresh copy: a published Setting never changes.
    private boolean required;
    private boolean secret;
    private boolean keepBlanks;
    private boolean mayBeEmpty;
    private String doc = "";
    private T min;
    private boolean minExclusive;
    private T max;
    private String zeroMeans;
    private String zeroInMessages;
    private String boundsWhy;
    private List<Rule<T>> rules = List.of();
    private List<Rule<T>> hints = List.of();
    private String allowedCell;
    private String defaultCell;
    private String hikariName;
    private boolean described;
    private Predicate<TwPoolConfig> describedWhen = c -> true;

    private record Rule<T>(Predicate<T> test, String text) {
    }

    private Setting(String key, Type type, T defaultValue) {
        if (key == null || !key.matches("[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)*")) {
            throw new IllegalArgumentException("a setting's key is lower-case words joined by '-' and '.': " + key);
        }
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
    }

    private Setting<T> copy() {
        Setting<T> s = new Setting<>(key, type, defaultValue);
        s.required = required;
        s.secret = secret;
        s.keepBlanks = keepBlanks;
        s.mayBeEmpty = mayBeEmpty;
        s.doc = doc;
        s.min = min;
        s.minExclusive = minExclusive;
        s.max = max;
        s.zeroMeans = zeroMeans;
        s.zeroInMessages = zeroInMessages;
        s.boundsWhy = boundsWhy;
        s.rules = rules;
        s.hints = hints;
        s.allowedCell = allowedCell;
        s.defaultCell = defaultCell;
        s.hikariName = hikariName;
        s.described = described;
        s.describedWhen = describedWhen;
        return s;
    }

    /** Text; {@code null} default means none. */
    public static Setting<String> text(String key, String defaultValue) {
        return new Setting<>(key, Type.TEXT, defaultValue);
    }

    /** A whole number, written in ASCII digits. */
    public static Setting<Integer> integer(String key, int defaultValue) {
        return new Setting<>(key, Type.INTEGER, defaultValue);
    }

    /** A plain decimal number such as {@code 2} or {@code 0.25} (no exponent, no NaN, no infinity). */
    public static Setting<Double> decimal(String key, double defaultValue) {
        return new Setting<>(key, Type.DECIMAL, defaultValue);
    }

    /** {@code true} or {@code false}, in any case. */
    public static Setting<Boolean> bool(String key, boolean defaultValue) {
        return new Setting<>(key, Type.BOOLEAN, defaultValue);
    }

    /** A duration with a unit ({@code 500ms}, {@code 30s}, {@code 10m}) or ISO-8601; whole milliseconds, not negative. */
    public static Setting<Duration> duration(String key, Duration defaultValue) {
        return new Setting<>(key, Type.DURATION, defaultValue);
    }

    /** The one line of documentation (README, IDE completion); Markdown code spans allowed. */
    public Setting<T> doc(String doc) {
        Setting<T> s = copy();
        s.doc = Objects.requireNonNull(doc);
        return s;
    }

    /** A key without which no pool can be built. */
    public Setting<T> required() {
        Setting<T> s = copy();
        s.required = true;
        return s;
    }

    /** A secret: its value is never shown, in messages, logs, {@code toString()} or metadata; read as given. */
    public Setting<T> secret() {
        Setting<T> s = copy();
        s.secret = true;
        s.keepBlanks = true;
        return s;
    }

    /** Text read as given, surrounding blanks included (other text values are trimmed); empty text allowed. */
    public Setting<T> keepBlanks() {
        Setting<T> s = copy();
        s.keepBlanks = true;
        return s;
    }

    /** Text that may be empty (trimmed, as other text). */
    public Setting<T> mayBeEmpty() {
        Setting<T> s = copy();
        s.mayBeEmpty = true;
        return s;
    }

    /** Inclusive bounds (either may be null); {@code why} (or null) says where they come from, e.g. "HikariCP's floor for maxLifetime". */
    public Setting<T> range(T min, T max, String why) {
        Setting<T> s = copy();
        s.min = min;
        s.minExclusive = false;
        s.max = max;
        s.boundsWhy = why;
        return s;
    }

    public Setting<T> range(T min, T max) {
        return range(min, max, null);
    }

    /** Above {@code min} (exclusive) and at most {@code max}. */
    public Setting<T> above(T min, T max, String why) {
        Setting<T> s = range(min, max, why);
        s.minExclusive = true;
        return s;
    }

    /** At least {@code min}; {@code why} (or null) says where the floor comes from. */
    public Setting<T> atLeast(T min, String why) {
        return range(min, null, why);
    }

    /** Zero is allowed besides the bounds and means {@code meaning} ("never", "off"), as the start line shows it. */
    public Setting<T> zeroMeans(String meaning) {
        return zeroMeans(meaning, meaning);
    }

    /** As {@link #zeroMeans(String)}, with the words a message uses ("never recycle"). */
    public Setting<T> zeroMeans(String meaning, String inMessages) {
        Setting<T> s = copy();
        s.zeroMeans = Objects.requireNonNull(meaning);
        s.zeroInMessages = Objects.requireNonNull(inMessages);
        return s;
    }

    /** A rule of this key alone that bounds cannot say: a value failing {@code valid} is refused with {@code allowed}. */
    public Setting<T> rule(Predicate<T> valid, String allowed) {
        List<Rule<T>> more = new ArrayList<>(rules);
        more.add(new Rule<>(valid, allowed));
        Setting<T> s = copy();
        s.rules = List.copyOf(more);
        return s;
    }

    /** Text added to the bounds' message for values matching {@code when}, e.g. where another library's value means something else. */
    public Setting<T> hint(Predicate<T> when, String text) {
        List<Rule<T>> more = new ArrayList<>(hints);
        more.add(new Rule<>(when, text));
        Setting<T> s = copy();
        s.hints = List.copyOf(more);
        return s;
    }

    /** The README's "allowed" cell, where the bounds alone do not say it (rules across keys, a rule's wording). */
    public Setting<T> allowedText(String cell) {
        Setting<T> s = copy();
        s.allowedCell = cell;
        return s;
    }

    /** The README's "default" cell, where the default depends on other keys. */
    public Setting<T> defaultText(String cell) {
        Setting<T> s = copy();
        s.defaultCell = cell;
        return s;
    }

    /** The HikariCP property this key sets, so that {@code twpool.hikari.<name>} is refused pointing here. */
    public Setting<T> hikari(String hikariProperty) {
        Setting<T> s = copy();
        s.hikariName = hikariProperty;
        return s;
    }

    /** Shown in the start line and {@code toString()} ({@link TwPoolConfig#describe()}) when {@code when} holds. */
    public Setting<T> described(Predicate<TwPoolConfig> when) {
        Setting<T> s = copy();
        s.described = true;
        s.describedWhen = Objects.requireNonNull(when);
        return s;
    }

    public Setting<T> described() {
        return described(c -> true);
    }

    // ---- what the declaration says

    /** The key under {@code twpool.}, e.g. {@code pool-size} or {@code mysql.clamp-recycle}. */
    public String key() {
        return key;
    }

    /** The full property name, e.g. {@code twpool.pool-size}. */
    public String property() {
        return TwPoolConfig.PREFIX + key;
    }

    /** The environment variable, e.g. {@code TWPOOL_POOL_SIZE} for {@code pool-size}, {@code TWPOOL_PROBE_INTERVAL}. */
    public String environmentVariable() {
        return io.github.twpool.internal.EnvironmentProperties.envName(key);
    }

    public Type type() {
        return type;
    }

    /** The default, or {@code null} when the key has none (it is then unset unless given). */
    public T defaultValue() {
        return defaultValue;
    }

    /** The lower bound, or {@code null}: zero is allowed besides it when the key has a meaning for zero. */
    public T min() {
        return min;
    }

    /** The upper bound, or {@code null}. */
    public T max() {
        return max;
    }

    public boolean isRequired() {
        return required;
    }

    public boolean isSecret() {
        return secret;
    }

    public String doc() {
        return doc;
    }

    /** The HikariCP property this key sets, or {@code null}. */
    public String hikariProperty() {
        return hikariName;
    }

    public boolean isDescribed() {
        return described;
    }

    /** Whether the start line shows this key for this configuration. */
    public boolean isDescribedFor(TwPoolConfig config) {
        return described && describedWhen.test(config);
    }

    // ---- text

    /** A value as the user writes it: {@code 30m}, {@code 10}, {@code 0.25}, {@code true}. Not masked: see {@link #isSecret()}. */
    public String format(T value) {
        if (value == null) {
            return "null";
        }
        return type == Type.DURATION ? io.github.twpool.internal.Durations.format((Duration) value) : String.valueOf(value);
    }

    /** A bound as messages and the README show it: whole numbers without a fraction. */
    private String bound(T value) {
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.valueOf(d.longValue());
        }
        return format(value);
    }

    /** A value as the start line shows it: zero as what it means ({@code never}, {@code off}). */
    public String describe(T value) {
        if (secret) {
            return value == null ? "null" : Secrets.MASK;
        }
        return zeroMeans != null && isZero(value) ? zeroMeans : format(value);
    }

    /** The default as the README shows it. */
    public String defaultCell() {
        if (defaultCell != null) {
            return defaultCell;
        }
        if (required) {
            return "(required)";
        }
        if (defaultValue == null) {
            return "none";
        }
        String shown = "`" + format(defaultValue) + "`";
        return zeroMeans != null && isZero(defaultValue) ? shown + " (" + zeroMeans + ")" : shown;
    }

    /** What is allowed, as the README's table shows it. */
    public String allowedCell() {
        if (allowedCell != null) {
            return allowedCell;
        }
        String zero = zeroMeans == null ? "" : "`0` (" + zeroMeans + ") or ";
        return switch (type) {
            case BOOLEAN -> "`true`/`false`";
            case TEXT -> "text";
            case DURATION -> zero + (min != null && max != null ? "`" + bound(min) + "`–`" + bound(max) + "`"
                    : min != null ? "≥ `" + bound(min) + "`" : max != null ? "≤ `" + bound(max) + "`" : "a duration");
            default -> zero + (min != null && max != null ? (minExclusive ? "(" + bound(min) + ", " + bound(max) + "]"
                    : bound(min) + "–" + bound(max)) : min != null ? "≥ " + bound(min) : max != null ? "≤ " + bound(max) : "a number");
        };
    }

    /** What the bounds allow, in a message's words: {@code must be an integer from 1 to 1000}. */
    public String allowed() {
        String why = boundsWhy == null ? "" : " (" + boundsWhy + ")";
        String kind = type == Type.INTEGER ? "an integer " : type == Type.DECIMAL ? "a number " : "";
        String zero = zeroMeans == null ? "" : "0 (" + zeroInMessages + ") or ";
        if (min != null && max != null) {
            return minExclusive ? "must be " + zero + kind + "above " + bound(min) + " and at most " + bound(max) + why
                    : "must be " + zero + kind + "from " + bound(min) + " to " + bound(max) + why;
        }
        if (min != null) {
            return "must be " + zero + "at least " + bound(min) + why;
        }
        if (max != null) {
            return "must be " + zero + "at most " + bound(max) + why;
        }
        return switch (type) {
            case BOOLEAN -> "must be true or false";
            case INTEGER -> "must be a whole number written in ASCII digits";
            case DECIMAL -> "must be a number written in ASCII digits, such as 2 or 0.25";
            case DURATION -> "must be " + io.github.twpool.internal.Durations.ALLOWED;
            case TEXT -> "must be text";
        };
    }

    // ---- reading and checking

    /**
     * Reads the text of a property ({@code twpool.pool-size=20}), with the message naming key, value (never a
     * secret's) and what is allowed when it cannot be read. Durations are also checked for what HikariCP can take
     * (whole milliseconds, not negative) and shown as written; the bounds are checked by {@link #check}.
     */
    @SuppressWarnings("unchecked")
    public T parse(String raw) {
        Objects.requireNonNull(raw, "raw");
        String value = keepBlanks ? raw : raw.trim();
        Object parsed = switch (type) {
            case TEXT -> {
                if (value.isEmpty() && !keepBlanks && !mayBeEmpty) {
                    throw invalid("", "must not be empty");
                }
                yield value;
            }
            case INTEGER -> {
                if (INTEGER.matcher(value).matches()) {
                    long n = Long.parseLong(value);
                    if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                        yield (int) n;
                    }
                }
                throw invalid(value, "must be a whole number written in ASCII digits");
            }
            case DECIMAL -> {
                if (DECIMAL.matcher(value).matches()) {
                    yield Double.parseDouble(value);
                }
                throw invalid(value, "must be a number written in ASCII digits, such as 2 or 0.25");
            }
            case BOOLEAN -> {
                if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                    yield Boolean.parseBoolean(value);
                }
                throw invalid(value, "must be true or false");
            }
            case DURATION -> {
                Duration d = io.github.twpool.internal.Durations.parse(value);
                if (d == null) {
                    boolean bare = !value.isEmpty() && value.chars().allMatch(ch -> ch >= '0' && ch <= '9');
                    throw invalid(value, "must be " + io.github.twpool.internal.Durations.ALLOWED
                            + (bare ? "; a bare number is ambiguous (seconds in SQLAlchemy, milliseconds in HikariCP): write "
                            + ConfigRules.printable(value) + "s or " + ConfigRules.printable(value) + "ms" : ""));
                }
                checkDuration(d, value);
                yield d;
            }
        };
        return (T) parsed;
    }

    /** {@link #parse} then {@link #check}: a value as written, read and checked against this declaration. */
    public T read(String raw) {
        T value = parse(raw);
        check(value);
        return value;
    }

    /** Checks a value against the type's limits, the bounds and the rules of this key; throws {@link TwPoolConfigException}. */
    public void check(T value) {
        if (value == null) {
            if (type == Type.DURATION) {
                throw invalid(null, "must be set: " + io.github.twpool.internal.Durations.ALLOWED);
            }
            return;
        }
        String shown = format(value);
        if (type == Type.DURATION) {
            checkDuration((Duration) value, shown);
        }
        if (type == Type.DECIMAL && (((Double) value).isNaN() || ((Double) value).isInfinite())) {
            throw invalid(shown, allowed());
        }
        if (!(zeroMeans != null && isZero(value)) && !withinBounds(value)) {
            StringBuilder message = new StringBuilder(allowed());
            for (Rule<T> h : hints) {
                if (h.test().test(value)) {
                    message.append(h.text());
                }
            }
            throw invalid(shown, message.toString());
        }
        for (Rule<T> r : rules) {
            if (!r.test().test(value)) {
                throw invalid(shown, r.text());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private boolean withinBounds(T value) {
        Comparable<T> v = (Comparable<T>) value;
        if (min != null && (minExclusive ? v.compareTo(min) <= 0 : v.compareTo(min) < 0)) {
            return false;
        }
        return max == null || v.compareTo(max) <= 0;
    }

    private boolean isZero(T value) {
        return value instanceof Duration d ? d.isZero() : value instanceof Number n && n.doubleValue() == 0;
    }

    private void checkDuration(Duration d, String shown) {
        if (d.isNegative()) {
            throw invalid(shown, "must not be negative");
        }
        if (io.github.twpool.internal.Durations.tooLargeForMillis(d)) {
            throw invalid(shown, "is too large: HikariCP counts milliseconds in a long, at most "
                    + Long.MAX_VALUE / 86_400_000L + "d");
        }
        if (!io.github.twpool.internal.Durations.isWholeMillis(d)) {
            throw invalid(shown, "must be a whole number of milliseconds (HikariCP counts milliseconds; "
                    + io.github.twpool.internal.Durations.format(d) + " would be cut to "
                    + io.github.twpool.internal.Durations.format(Duration.ofMillis(d.toMillis())) + ")");
        }
    }

    /** {@code twpool.<key>=<value>: <allowed>}, the value shown escaped and cut, or masked for a secret. */
    public TwPoolConfigException invalid(Object shown, String allowed) {
        String value = secret ? Secrets.MASK : ConfigRules.printable(Secrets.displayValue(property(), shown));
        return TwPoolConfigException.invalid(property(), value, allowed);
    }

    @Override
    public String toString() {
        return property() + " (" + type.name().toLowerCase(Locale.ROOT) + ")";
    }
}
