package serve

import (
	"os"
	"testing"
)

// The tests' repositories come and go: their git history is not kept in
// the user's cache.
func TestMain(m *testing.M) {
	if os.Getenv("PIPEGEN_CACHE_DIR") == "" {
		os.Setenv("PIPEGEN_CACHE_DIR", "off")
	}
	os.Exit(m.Run())
}
