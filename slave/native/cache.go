package native

import (
	"os"
	"path/filepath"
	"sort"
	"time"
)

// prune removes the least recently built cache entries beyond
// Config.MaxCached, except keep and any entry another process holds
// locked. Lock files stay: removing one that another process is about to
// lock would let two processes hold "the" lock at once.
func (b *Builder) prune(keep string) {
	plugins, err := filepath.Glob(filepath.Join(b.cfg.Dir, "*", pluginFile))
	if err != nil || len(plugins) <= b.cfg.MaxCached {
		return
	}
	type entry struct {
		dir  string
		when time.Time
	}
	var entries []entry
	for _, p := range plugins {
		if st, err := os.Stat(p); err == nil && filepath.Base(filepath.Dir(p)) != keep {
			entries = append(entries, entry{filepath.Dir(p), st.ModTime()})
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].when.Before(entries[j].when) })
	for _, e := range entries[:max(len(plugins)-b.cfg.MaxCached, 0)] {
		unlock, ok := tryLock(e.dir + ".lock")
		if !ok {
			continue
		}
		if err := os.RemoveAll(e.dir); err != nil {
			b.cfg.Logger.Warn("pruning the native cache", "dir", e.dir, "err", err)
		}
		unlock()
	}
}
