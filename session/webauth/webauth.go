// Package webauth puts dpfw's security rule in front of an HTTP handler:
// an HTTP endpoint on loopback is open to the local machine, and on any
// other address answers only requests that prove they hold the cluster
// token. The master's dashboard, JSON API and metrics (dpfw -http) and a
// slave node's metrics (slave -metrics) are served through it.
//
// A request proves it holds the token with an "Authorization: Bearer
// TOKEN" header (curl, scripts, Prometheus' authorization setting) or
// with the cookie that the login form sets for a browser: GET /login
// shows the form, and a POST of the right token sets dpfw_auth, an HMAC of
// the token (the token itself is never stored in the browser), HttpOnly,
// SameSite=Strict, Secure under TLS. A request without either, or with a
// wrong token, gets 401 (an HTML page asking for the token when it came
// from a browser) and costs one log line.
//
// Whatever the address, state-changing requests from other web sites
// are refused (http.CrossOriginProtection: a page elsewhere cannot make
// the browser submit tasks), and on loopback a request must name a
// loopback host (localhost, 127.0.0.1, [::1]), so that a web site cannot
// reach the endpoint by pointing its own name at 127.0.0.1 (DNS
// rebinding).
package webauth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// Config says how to guard and serve a handler.
type Config struct {
	// Token is the cluster token. It is required to serve beyond
	// loopback.
	Token string
	// TLS, when set, serves HTTPS (session.LoadTLS(cert, key, "") makes
	// one); nil serves plain HTTP.
	TLS *tls.Config
	// Logger gets one line per refused request; nil means slog.Default().
	Logger *slog.Logger
}

// CookieName is the cookie the login form sets.
const CookieName = "dpfw_auth"

// ErrNoToken is returned by Serve for a non-loopback listener when
// Config.Token is empty.
var ErrNoToken = errors.New("webauth: serving beyond loopback needs the cluster token")

// Loopback reports whether addr is a loopback address, reachable from
// this machine only. 0.0.0.0 and :: are not: they accept every interface.
func Loopback(addr net.Addr) bool {
	ap, err := netip.ParseAddrPort(addr.String())
	return err == nil && ap.Addr().Unmap().IsLoopback()
}

// Serve serves h on ln until ctx is done, guarded as Guard says with the
// token required unless ln is on loopback, over TLS when cfg.TLS is set.
// It refuses (ErrNoToken) to serve beyond loopback without a token. It
// blocks; on ctx's end it shuts the server down, closes ln and returns
// nil.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, cfg Config) error {
	open := Loopback(ln.Addr())
	if !open && cfg.Token == "" {
		ln.Close()
		return ErrNoToken
	}
	srv := &http.Server{
		Handler:           Guard(h, cfg, !open),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger(cfg).Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	if cfg.TLS != nil {
		ln = tls.NewListener(ln, cfg.TLS)
	}
	stop := context.AfterFunc(ctx, func() {
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		srv.Close() // what Shutdown left: streams of live updates
	})
	defer stop()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Guard wraps h with the rule above; tokenRequired makes every request
// (but the login form) prove the token.
func Guard(h http.Handler, cfg Config, tokenRequired bool) http.Handler {
	g := &guard{h: h, token: cfg.Token, log: logger(cfg), tls: cfg.TLS != nil, required: tokenRequired}
	if cfg.Token != "" {
		g.cookie = cookieValue(cfg.Token)
	}
	return http.NewCrossOriginProtection().Handler(g)
}

func logger(cfg Config) *slog.Logger {
	if cfg.Logger != nil {
		return cfg.Logger
	}
	return slog.Default()
}

type guard struct {
	h        http.Handler
	token    string
	cookie   string // the value of a valid CookieName
	log      *slog.Logger
	tls      bool
	required bool
}

// cookieValue is what the login cookie holds: a MAC of the token, so
// that a stolen cookie does not give away the token itself.
func cookieValue(token string) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("dpfw/1 web login"))
	return hex.EncodeToString(mac.Sum(nil))
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.required {
		if !loopbackHost(r.Host) {
			g.refuse(w, r, http.StatusForbidden, "host "+r.Host+" is not a loopback name (DNS rebinding?)")
			return
		}
		g.h.ServeHTTP(w, r)
		return
	}
	if r.URL.Path == "/login" {
		g.login(w, r)
		return
	}
	switch ok, why := g.check(r); {
	case ok:
		g.h.ServeHTTP(w, r)
	default:
		g.refuse(w, r, http.StatusUnauthorized, why)
	}
}

// check reports whether r carries the token, and if not, why.
func (g *guard) check(r *http.Request) (bool, string) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		tok, ok := strings.CutPrefix(auth, "Bearer ")
		if ok && hmac.Equal([]byte(strings.TrimSpace(tok)), []byte(g.token)) {
			return true, ""
		}
		return false, "wrong token"
	}
	if c, err := r.Cookie(CookieName); err == nil {
		if hmac.Equal([]byte(c.Value), []byte(g.cookie)) {
			return true, ""
		}
		return false, "wrong login cookie"
	}
	return false, "no token"
}

// refuse answers 401 (or 403), with the login form for a browser, and
// logs one line.
func (g *guard) refuse(w http.ResponseWriter, r *http.Request, code int, why string) {
	g.log.Warn("http request refused", "remote", r.RemoteAddr, "method", r.Method, "path", r.URL.Path, "status", code, "why", why)
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="dpfw"`)
	}
	if code == http.StatusUnauthorized && strings.Contains(r.Header.Get("Accept"), "text/html") {
		g.form(w, code, "", r.URL.RequestURI())
		return
	}
	http.Error(w, fmt.Sprintf("%s: %s", http.StatusText(code), why), code)
}

// login shows the form (GET) or checks the token it posts and sets the
// cookie (POST).
func (g *guard) login(w http.ResponseWriter, r *http.Request) {
	next := r.FormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = "/"
	}
	if r.Method != http.MethodPost {
		g.form(w, http.StatusOK, "", next)
		return
	}
	if !hmac.Equal([]byte(r.PostFormValue("token")), []byte(g.token)) {
		g.log.Warn("http request refused", "remote", r.RemoteAddr, "method", r.Method, "path", r.URL.Path, "status", http.StatusUnauthorized, "why", "wrong token at login")
		g.form(w, http.StatusUnauthorized, "That is not the cluster token.", next)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: g.cookie, Path: "/", HttpOnly: true,
		Secure: g.tls, SameSite: http.SameSiteStrictMode, MaxAge: 30 * 24 * 3600})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (g *guard) form(w http.ResponseWriter, code int, msg, next string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	fmt.Fprintf(w, loginPage, html.EscapeString(msg), html.EscapeString(next))
}

const loginPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dpfw: log in</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:15px system-ui,sans-serif;background:#f5f6f8;color:#1d2330;display:grid;place-items:center;height:90vh}
form{background:#fff;padding:2em;border-radius:8px;box-shadow:0 1px 4px #0002;min-width:22em}
input{width:100%%;box-sizing:border-box;padding:.5em;margin:.6em 0;font:inherit}p.err{color:#b3261e}
button{padding:.5em 1.2em;font:inherit}</style></head>
<body><form method="post" action="/login"><h2>dpfw</h2>
<p>This endpoint is open beyond loopback: give the cluster token (<code>dpfw token</code> prints it).</p>
<p class="err">%s</p>
<input type="password" name="token" placeholder="cluster token" autofocus autocomplete="current-password">
<input type="hidden" name="next" value="%s">
<button type="submit">Log in</button></form></body></html>
`

// loopbackHost reports whether a Host header names this machine.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
