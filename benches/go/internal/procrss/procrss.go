// Package procrss reads the process's resident memory, for the RSS workloads' Go twins
// (the Rust workloads read the same line: `report::vm_rss_kib` in benches/src/report.rs).
package procrss

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// VmRSSKiB reads VmRSS from /proc/self/status.
func VmRSSKiB() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "VmRSS:") {
			v := strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:"))
			kib, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(v, "kB")), 10, 64)
			if err != nil {
				panic(err)
			}
			return kib
		}
	}
	panic("/proc/self/status has no VmRSS line")
}
