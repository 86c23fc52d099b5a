//go:build !linux

package edit

import "os"

// SyncAll flushes the folder dir, so that the names of the files written
// in it are on the disk. Their contents are flushed by the system in its
// own time: only Linux flushes a whole file system in one call.
func SyncAll(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
