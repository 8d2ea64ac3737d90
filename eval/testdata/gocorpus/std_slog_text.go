// log/slog with a TextHandler and JSONHandler on stdout, time removed for determinism.
package main

import (
	"context"
	"log/slog"
	"os"
)

func noTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

type user struct {
	ID   int
	Name string
}

func (u user) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("id", u.ID), slog.String("name", u.Name))
}

func main() {
	text := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime, Level: slog.LevelDebug}))
	text.Info("server started", "port", 8080, "tls", false)
	text.Debug("details", slog.Group("req", slog.String("method", "GET"), slog.Int("status", 200)))
	reqLog := text.With("request_id", "abc123")
	reqLog.Warn("slow request", "ms", 1500)
	text.Info("login", "user", user{7, "ann"})

	js := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}))
	js.Error("failed", "err", os.ErrNotExist, "attempt", 3)
	js.LogAttrs(context.Background(), slog.LevelInfo, "attrs", slog.Bool("ok", true), slog.Float64("ratio", 0.25))
	quiet := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime, Level: slog.LevelWarn}))
	quiet.Info("hidden")
	quiet.Warn("shown")
}
