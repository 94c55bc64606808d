# Finds (or installs) a JDK of a given feature version. Source it, then:  JAVA_HOME=$(jdk_home 25) mvn ...
# Looked for, in order: $TWPOOL_JDK<N>_HOME, /usr/lib/jvm/temurin-<N>-jdk-*, /usr/lib/jvm/java-<N>-openjdk-*, any
# /usr/lib/jvm/* whose release file says JAVA_VERSION="<N>...". Not found: installs temurin-<N>-jdk or
# openjdk-<N>-jdk-headless when the system's package repositories have one, else fails saying what to do.
# Reusable by other build steps (e.g. a Java 22+ source set): jdk_find only looks, jdk_home may install.

# The feature version (17, 25...) of the JDK at $1, from its release file; empty when $1 is not a JDK.
jdk_feature() {
  [ -x "$1/bin/javac" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}

# Prints the home of an installed JDK of feature version $1; returns 1 when there is none.
jdk_find() {
  local want=$1 var="TWPOOL_JDK${1}_HOME" c
  for c in "${!var:-}" /usr/lib/jvm/temurin-"$want"-jdk-* /usr/lib/jvm/java-"$want"-openjdk-* /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -d "$c" ] || continue
    if [ "$(jdk_feature "$c")" = "$want" ]; then
      (cd "$c" && pwd -P)
      return 0
    fi
  done
  return 1
}

# Installs a JDK of feature version $1 from the package repositories configured on this machine, if they have one.
jdk_install() {
  local want=$1 pkg
  command -v apt-get >/dev/null || return 1
  for attempt in cached updated; do
    [ "$attempt" = updated ] && { apt-get update -qq >&2 || return 1; }
    for pkg in temurin-"$want"-jdk openjdk-"$want"-jdk-headless; do
      if apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
        echo "installing $pkg" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >&2 && return 0
      fi
    done
  done
  return 1
}

# Prints the home of a JDK of feature version $1, installing one if needed; fails with what to do when impossible.
jdk_home() {
  local want=$1 home
  if home=$(jdk_find "$want"); then
    echo "$home"
    return 0
  fi
  if jdk_install "$want" && home=$(jdk_find "$want"); then
    echo "$home"
    return 0
  fi
  cat >&2 <<MSG
No JDK $want found under /usr/lib/jvm, and no package temurin-$want-jdk or openjdk-$want-jdk-headless in this
machine's package repositories (Debian 12 ships OpenJDK 17 only). Install Temurin $want (Adoptium's apt repository,
https://adoptium.net/installation/linux/, or its tarball) and either put it under /usr/lib/jvm or point
TWPOOL_JDK${want}_HOME at it.
MSG
  return 1
}
