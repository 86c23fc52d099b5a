package edit

import (
	"os"

	"golang.org/x/sys/unix"
)

// SyncAll returns once every file written under dir is on the disk: one
// flush of dir's file system, where a flush of each file would take a
// journal commit each.
func SyncAll(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}
