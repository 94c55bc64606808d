package io.github.twpool.sidecar;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Command lines made safe to show and read for their language; cgroup paths read for their unit, container or pod. */
class CommandsAndCgroupsTest {

    @Test
    void masksSecretsInTheFormsClientsTakeOnTheCommandLine() {
        assertThat(Commands.mask("python3 app.py --token=abc123 --db-password hunter2 --user bob"))
                .isEqualTo("python3 app.py --token=**** --db-password **** --user bob");
        assertThat(Commands.mask("/usr/bin/mariadb -uroot -phunter2 -h db"))
                .isEqualTo("/usr/bin/mariadb -uroot -p**** -h db");
        assertThat(Commands.mask("php worker.php mysql://app:s3cret@db:3306/app"))
                .doesNotContain("s3cret").contains("mysql://app:****@db:3306/app");
        // -p is a port or anything else for other programs
        assertThat(Commands.mask("node server.js -p8080")).isEqualTo("node server.js -p8080");
    }

    @Test
    void namesTheLanguageAndItsFix() {
        assertThat(Commands.language("/usr/bin/python3 /srv/app.py")).isEqualTo("Python");
        assertThat(Commands.language("php-fpm: pool www")).isEqualTo("PHP");
        assertThat(Commands.language("node /srv/index.js")).isEqualTo("Node.js");
        assertThat(Commands.language("java -jar app.jar")).isEqualTo("Java");
        assertThat(Commands.language("/usr/bin/mariadb --protocol=tcp -e select 1")).isEqualTo("mysql client");
        assertThat(Commands.language("/opt/bin/mystery")).isNull();
        assertThat(Commands.fix("/usr/bin/python3 app.py")).contains("SQLAlchemy").contains("NullPool");
        assertThat(Commands.fix("php-fpm: pool www")).contains("PDO::ATTR_PERSISTENT");
        assertThat(Commands.fix("/opt/bin/mystery")).isNull();
    }

    @Test
    void readsUnitsContainersAndPodsFromCgroupPaths() {
        assertThat(Cgroups.describe("/system.slice/billing.service")).isEqualTo("systemd unit billing.service");
        assertThat(Cgroups.describe("/system.slice/docker-" + "a".repeat(64) + ".scope")).isEqualTo("container aaaaaaaaaaaa");
        assertThat(Cgroups.describe("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c3d4e_1111_2222_3333_444455556666.slice/"
                + "cri-containerd-" + "b".repeat(64) + ".scope"))
                .isEqualTo("Kubernetes pod 1b2c3d4e-1111-2222-3333-444455556666, container bbbbbbbbbbbb");
        assertThat(Cgroups.describe("/twpool-test")).isNull();
        assertThat(Cgroups.describe("/")).isNull();
    }

    @Test
    void findsTheCgroup2MountInMountinfo() {
        String hybrid = "35 25 0:30 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
                + "36 35 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                + "41 35 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
        assertThat(Cgroups.cgroup2Mount(hybrid)).hasToString("/sys/fs/cgroup/unified");
        assertThat(Cgroups.cgroup2Mount("36 35 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n")).isNull();
        assertThat(Cgroups.cgroup2Mount("50 1 0:40 / /mnt/with\\040space rw - cgroup2 none rw\n")).hasToString("/mnt/with space");
    }

    @Test
    void readsCpuTimeAndStartTimeFromStat() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
        // priority nice threads itrealvalue starttime
        byte[] stat = "42 (a) b) S 1 42 42 0 -1 4194304 10 0 0 0 700 300 5 5 20 0 1 0 98765 1000 50"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(PidFiles.cpuTicks(stat)).isEqualTo(1000);
        assertThat(PidFiles.startTime(stat)).isEqualTo(98765);
        assertThat(PidFiles.cpuTicks("junk".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isEqualTo(-1);
    }
}
