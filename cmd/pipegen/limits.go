package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pipegen/pipegen/internal/load"
)

// maxFileSizeEnv names the environment variable that sets the largest
// pipeline or deal file pipegen reads, for every command.
const maxFileSizeEnv = "PIPEGEN_MAX_FILE_SIZE"

// loaderFromEnv returns the loader with the file size limit the
// environment sets; a value that is not a size is a usage error, so that a
// typo never silently keeps or lifts the limit.
func loaderFromEnv(getenv func(string) string) (load.Loader, error) {
	v := getenv(maxFileSizeEnv)
	if v == "" {
		return load.Loader{}, nil
	}
	n, err := parseSize(v)
	if err != nil {
		return load.Loader{}, &usageError{msg: fmt.Sprintf("%s=%s: %v", maxFileSizeEnv, v, err),
			hint: "write a size in bytes, or with a unit: 512KiB, 2MiB (at most 1GiB)"}
	}
	return load.Loader{MaxFileSize: n}, nil
}

// sizeUnits are the units parseSize accepts, longest first so that "KiB"
// is not read as "B".
var sizeUnits = []struct {
	suffix string
	factor int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1000}, {"kB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000},
	{"B", 1},
}

// maxSize bounds the limit: a larger file cannot be a deal.
const maxSize = 1 << 30

// parseSize reads a positive size like "1048576", "512KiB" or "2MB".
func parseSize(s string) (int64, error) {
	num, factor := strings.TrimSpace(s), int64(1)
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(num, u.suffix); ok {
			num, factor = strings.TrimSpace(rest), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(num, "-") {
		return 0, fmt.Errorf("more than the largest limit, 1GiB")
	}
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("not a positive size")
	}
	if n > maxSize/factor {
		return 0, fmt.Errorf("more than the largest limit, 1GiB")
	}
	return n * factor, nil
}
