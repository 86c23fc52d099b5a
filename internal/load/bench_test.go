package load

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/pipegen/pipegen/internal/gen"
)

// BenchmarkLoad reads and parses every file of a 10,000-deal repository.
func BenchmarkLoad(b *testing.B) {
	dir := gen.BenchRepo(b, 10000, 24)
	b.ResetTimer()
	for range b.N {
		if _, _, err := Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseFloor is the floor the loader is measured against: the
// same files read and decoded with go-yaml into generic maps on every core,
// with no positions, no checks and no model.
func BenchmarkParseFloor(b *testing.B) {
	dir := gen.BenchRepo(b, 10000, 24)
	files, _, err := DealFiles(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					k := int(next.Add(1) - 1)
					if k >= len(files) {
						return
					}
					src, err := os.ReadFile(filepath.Join(dir, files[k]))
					if err != nil {
						b.Error(err)
						return
					}
					var v map[string]any
					if err := yaml.Unmarshal(src, &v); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
}
