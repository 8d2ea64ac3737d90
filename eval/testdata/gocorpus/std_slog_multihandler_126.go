// log/slog.NewMultiHandler (Go 1.26): one record to two handlers with different levels.
package main

import (
	"log/slog"
	"os"
)

func noTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

func main() {
	all := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime, Level: slog.LevelDebug})
	warn := slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime, Level: slog.LevelWarn})
	log := slog.New(slog.NewMultiHandler(all, warn))
	log.Debug("debug only in text", "n", 1)
	log.Warn("both handlers", "disk", "95%")
}
