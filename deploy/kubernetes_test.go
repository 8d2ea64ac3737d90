//go:build linux

package deploy_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// The names the manifests share with the README's set-up commands.
const (
	secretName = "dpfw-token"
	secretKey  = "token"
	imageName  = "dpfw:latest"
)

// manifests are the objects of one directory of deploy/kubernetes.
type manifests struct {
	dir         string
	services    []*corev1.Service
	deployments []*appsv1.Deployment
	pods        []*corev1.Pod
}

// loadManifests decodes every document of every YAML file in dir
// strictly into its Kubernetes API type: an unknown or misspelt field, a
// duplicate key or a wrong type is an error, as `kubectl apply
// --validate=strict` makes it.
func loadManifests(t *testing.T, dir string) *manifests {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) == 0 {
		t.Fatalf("no manifests in %s", dir)
	}
	ms := &manifests{dir: dir}
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		r := k8syaml.NewYAMLReader(bufio.NewReader(f))
		for {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if len(bytes.TrimSpace(doc)) == 0 {
				continue
			}
			if err := ms.decode(doc); err != nil {
				t.Errorf("%s: %v", file, err)
			}
		}
		f.Close()
	}
	return ms
}

func (ms *manifests) decode(doc []byte) error {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return err
	}
	var obj any
	switch tm.APIVersion + " " + tm.Kind {
	case "v1 Service":
		s := &corev1.Service{}
		ms.services, obj = append(ms.services, s), s
	case "apps/v1 Deployment":
		d := &appsv1.Deployment{}
		ms.deployments, obj = append(ms.deployments, d), d
	case "v1 Pod":
		p := &corev1.Pod{}
		ms.pods, obj = append(ms.pods, p), p
	default:
		return fmt.Errorf("unexpected object %s %s", tm.APIVersion, tm.Kind)
	}
	return yaml.UnmarshalStrict(doc, obj)
}

// workload is a pod template with the name of what holds it.
type workload struct {
	name   string
	labels map[string]string
	spec   *corev1.PodSpec
}

func (ms *manifests) workloads() []workload {
	var ws []workload
	for _, d := range ms.deployments {
		ws = append(ws, workload{"deployment/" + d.Name, d.Spec.Template.Labels, &d.Spec.Template.Spec})
	}
	for _, p := range ms.pods {
		ws = append(ws, workload{"pod/" + p.Name, p.Labels, &p.Spec})
	}
	return ws
}

// TestKubernetesManifests checks what the API types cannot: that the
// objects fit together (selectors, named ports, $(VAR)s), and what dpfw
// asks of them: the token only from the Secret, probes, limits, non-root.
func TestKubernetesManifests(t *testing.T) {
	df, err := parseDockerfile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	imageUID, _ := imageUser(t, df.stage("runtime"))
	dirs, _ := filepath.Glob("kubernetes/*")
	if len(dirs) < 2 {
		t.Fatalf("want the serve and connect topologies in deploy/kubernetes, have %v", dirs)
	}
	for _, dir := range dirs {
		ms := loadManifests(t, dir)
		for _, d := range ms.deployments {
			sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
			if err != nil || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
				t.Errorf("%s: deployment %s: selector %v does not select its own pods (%v)", dir, d.Name, d.Spec.Selector, err)
			}
		}
		for _, s := range ms.services {
			checkService(t, dir, s, ms.workloads())
		}
		for _, w := range ms.workloads() {
			checkPodSpec(t, dir+" "+w.name, w.spec, imageUID)
		}
	}
}

func checkService(t *testing.T, dir string, s *corev1.Service, ws []workload) {
	for _, msg := range validation.IsDNS1035Label(s.Name) {
		t.Errorf("%s: service name %q: %s", dir, s.Name, msg)
	}
	var backends []workload
	for _, w := range ws {
		if labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(w.labels)) {
			backends = append(backends, w)
		}
	}
	if len(backends) != 1 {
		t.Errorf("%s: service %s selects %d workloads, want 1", dir, s.Name, len(backends))
		return
	}
	for _, p := range s.Spec.Ports {
		if !hasPort(backends[0].spec, p.TargetPort.String()) {
			t.Errorf("%s: service %s: target port %s is no container port of %s", dir, s.Name, p.TargetPort.String(), backends[0].name)
		}
	}
	if strings.HasPrefix(backends[0].name, "deployment/") && s.Spec.ClusterIP != corev1.ClusterIPNone {
		t.Errorf("%s: service %s in front of the slaves must be headless (clusterIP: None) so that its name lists every pod", dir, s.Name)
	}
}

func hasPort(spec *corev1.PodSpec, port string) bool {
	for _, c := range spec.Containers {
		for _, p := range c.Ports {
			if p.Name == port || fmt.Sprint(p.ContainerPort) == port {
				return true
			}
		}
	}
	return false
}

var varRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

func checkPodSpec(t *testing.T, where string, spec *corev1.PodSpec, imageUID int) {
	psc := spec.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser != int64(imageUID) {
		t.Errorf("%s: want runAsNonRoot and runAsUser %d (the image's user)", where, imageUID)
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		t.Errorf("%s: dpfw needs no Kubernetes API token: set automountServiceAccountToken: false", where)
	}
	for _, c := range spec.Containers {
		where := where + " container " + c.Name
		if c.Image != imageName {
			t.Errorf("%s: image %q, want %q (the README's sed replaces it)", where, c.Image, imageName)
		}
		env := map[string]corev1.EnvVar{}
		for _, e := range c.Env {
			env[e.Name] = e
		}
		tok, ok := env["DPFW_TOKEN"]
		if !ok || tok.Value != "" || tok.ValueFrom == nil || tok.ValueFrom.SecretKeyRef == nil ||
			tok.ValueFrom.SecretKeyRef.Name != secretName || tok.ValueFrom.SecretKeyRef.Key != secretKey {
			t.Errorf("%s: DPFW_TOKEN must come from secret %s key %s", where, secretName, secretKey)
		}
		argv := append(slices.Clone(c.Command), c.Args...)
		for _, a := range argv {
			if a == "-token" || strings.HasPrefix(a, "-token=") || strings.HasPrefix(a, "--token") {
				t.Errorf("%s: the token must not be on the command line: %q", where, argv)
			}
			for _, m := range varRef.FindAllStringSubmatch(a, -1) {
				if _, ok := env[m[1]]; !ok {
					t.Errorf("%s: argument %q refers to undefined $(%s)", where, a, m[1])
				}
			}
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := c.Resources.Limits[r]; !ok {
				t.Errorf("%s: no %s limit", where, r)
			}
			if _, ok := c.Resources.Requests[r]; !ok {
				t.Errorf("%s: no %s request", where, r)
			}
		}
		sc := c.SecurityContext
		if sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
			sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
			t.Errorf("%s: want allowPrivilegeEscalation false, readOnlyRootFilesystem, capabilities drop ALL", where)
		}
		if len(c.Ports) > 0 {
			if c.ReadinessProbe == nil || c.ReadinessProbe.TCPSocket == nil {
				t.Errorf("%s: a container that listens needs a TCP readiness probe (it needs no token)", where)
			} else if !hasPort(spec, c.ReadinessProbe.TCPSocket.Port.String()) {
				t.Errorf("%s: readiness probe on unknown port %s", where, c.ReadinessProbe.TCPSocket.Port.String())
			}
		}
		for _, p := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe} {
			if p != nil && (p.Exec != nil || p.HTTPGet != nil) {
				t.Errorf("%s: probes are TCP: the slave has no HTTP endpoint and an exec probe would need the token", where)
			}
		}
	}
}

// dnsServer answers A queries for the names the test sets, as the
// cluster's DNS answers for a headless Service with its ready pods.
type dnsServer struct {
	mu      sync.Mutex
	records map[string][]string // FQDN -> IPv4 addresses
	queries chan string         // FQDNs asked for A records
}

func startDNS(t *testing.T) *dnsServer {
	d := &dnsServer{records: map[string][]string{}, queries: make(chan string, 1000)}
	h := dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		resp := new(dns.Msg)
		resp.SetReply(req)
		resp.Authoritative = true
		for _, q := range req.Question {
			name := strings.ToLower(q.Name)
			d.mu.Lock()
			ips, known := d.records[name]
			d.mu.Unlock()
			if !known {
				resp.Rcode = dns.RcodeNameError
				continue
			}
			if q.Qtype != dns.TypeA {
				continue
			}
			select {
			case d.queries <- name:
			default:
			}
			for _, ip := range ips {
				resp.Answer = append(resp.Answer, &dns.A{
					Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 0},
					A:   net.ParseIP(ip).To4(),
				})
			}
			if len(ips) == 0 {
				resp.Rcode = dns.RcodeNameError // a headless Service with no ready pod
			}
		}
		w.WriteMsg(resp)
	})
	for _, network := range []string{"udp", "tcp"} {
		srv := &dns.Server{Addr: "127.0.0.1:53", Net: network, Handler: h}
		started := make(chan error, 1)
		srv.NotifyStartedFunc = func() { started <- nil }
		go func() { started <- srv.ListenAndServe() }()
		if err := <-started; err != nil {
			t.Fatalf("DNS server on %s: %v", network, err)
		}
		t.Cleanup(func() { srv.Shutdown() })
	}
	return d
}

func (d *dnsServer) set(fqdn string, ips ...string) {
	d.mu.Lock()
	d.records[fqdn] = slices.Clone(ips)
	d.mu.Unlock()
}

// waitQueries waits until fqdn has been asked for n more times.
func (d *dnsServer) waitQueries(t *testing.T, fqdn string, n int) {
	t.Helper()
	deadline := time.After(time.Minute)
	for n > 0 {
		select {
		case q := <-d.queries:
			if q == fqdn {
				n--
			}
		case <-deadline:
			t.Fatalf("nobody resolved %s", fqdn)
		}
	}
}

func (d *dnsServer) drain() {
	for {
		select {
		case <-d.queries:
		default:
			return
		}
	}
}

// The namespace the pods run in, and the resolv.conf a pod there gets.
const (
	namespace  = "dpfw"
	resolvConf = "nameserver 127.0.0.1\nsearch dpfw.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n"
)

func fqdn(service string) string { return service + "." + namespace + ".svc.cluster.local." }

// kube runs pods of the manifests as processes of the image's binaries.
type kube struct {
	t     *testing.T
	image *stage
	token string
	procs []*proc
}

func newKube(t *testing.T) *kube {
	df, err := parseDockerfile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	return &kube{t: t, image: df.stage("runtime"), token: "kube-test-token-3f1c"}
}

// run starts the pod spec's container as the kubelet would: the image's
// entrypoint or the container's command, its args with $(VAR)s expanded,
// the env resolved (the Secret, the pod IP, the resource limits), as the
// pod's user, with a read-only root file system unless HOME is a volume.
// Pods here share one network namespace, each with a loopback address of
// its own; so an address 0.0.0.0:PORT in the arguments, which in a pod
// binds the pod's own network, becomes podIP:PORT.
func (k *kube) run(name string, spec *corev1.PodSpec, podIP string) (*proc, io.WriteCloser) {
	t := k.t
	t.Helper()
	c := spec.Containers[0]
	home := envValue(k.image.env, "HOME")
	writableHome := false
	for _, m := range c.VolumeMounts {
		writableHome = writableHome || m.MountPath == home
	}
	ctr := newContainer(t, "runtime", k.image, !writableHome)
	ctr.uid = int(*spec.SecurityContext.RunAsUser)
	ctr.gid = int(*spec.SecurityContext.RunAsGroup)
	if writableHome {
		os.Chown(ctr.home, ctr.uid, ctr.gid)
	}
	env := map[string]string{}
	var envList []string
	for _, e := range c.Env {
		v := e.Value
		switch {
		case e.ValueFrom == nil:
		case e.ValueFrom.SecretKeyRef != nil:
			v = k.token
		case e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == "status.podIP":
			v = podIP
		case e.ValueFrom.ResourceFieldRef != nil:
			v = resourceValue(t, c.Resources.Limits, e.ValueFrom.ResourceFieldRef.Resource)
		default:
			t.Fatalf("%s: env %s: unsupported source %+v", name, e.Name, e.ValueFrom)
		}
		env[e.Name] = v
		envList = append(envList, e.Name+"="+v)
	}
	expand := func(s string) string {
		s = varRef.ReplaceAllStringFunc(s, func(ref string) string { return env[ref[2:len(ref)-1]] })
		return strings.ReplaceAll(s, "0.0.0.0:", podIP+":")
	}
	argv := slices.Clone(c.Command)
	args := c.Args
	if len(argv) == 0 {
		argv = slices.Clone(k.image.entrypoint)
		if len(args) == 0 {
			args = k.image.cmd
		}
	}
	argv = append(argv, args...)
	for i := range argv {
		argv[i] = expand(argv[i])
	}
	cmd := ctr.command(k.image, argv, envList...)
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin = stdinR
	p := start(t, name, cmd)
	stdinR.Close()
	t.Cleanup(func() { stdinW.Close() })
	k.procs = append(k.procs, p)
	return p, stdinW
}

// resourceValue is what a resourceFieldRef with divisor 1 gives: CPUs
// rounded up, bytes of memory.
func resourceValue(t *testing.T, limits corev1.ResourceList, res string) string {
	switch res {
	case "limits.cpu":
		q := limits[corev1.ResourceCPU]
		return fmt.Sprint(int64(math.Ceil(float64(q.MilliValue()) / 1000)))
	case "limits.memory":
		q := limits[corev1.ResourceMemory]
		return fmt.Sprint(q.Value())
	}
	t.Fatalf("unsupported resource %s", res)
	return ""
}

// probe does what the kubelet's tcpSocket probe does: connect, close.
func probe(t *testing.T, addr string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatalf("TCP probe of %s: %v", addr, err)
	}
	c.Close()
}

// checkNoLeak fails if the token appears in anything a pod printed (its
// log, which `kubectl logs` shows to whoever may read logs).
func (k *kube) checkNoLeak() {
	for _, p := range k.procs {
		if strings.Contains(p.printed(), k.token) {
			k.t.Errorf("%s printed the token", p.name)
		}
	}
}

// checkQuietProbes fails if a pod logged a warning about a probe: a
// probe every few seconds would bury everything else in `kubectl logs`.
func (k *kube) checkQuietProbes() {
	for _, p := range k.procs {
		if strings.Contains(p.printed(), `level=WARN msg="handshake failed"`) {
			k.t.Errorf("%s logged a handshake failure: the TCP probe is not quiet", p.name)
		}
	}
}

func containerPort(t *testing.T, spec *corev1.PodSpec) int32 {
	if len(spec.Containers[0].Ports) == 0 {
		t.Fatal("the container has no port")
	}
	return spec.Containers[0].Ports[0].ContainerPort
}

var (
	joinedRE = func(ip string) *regexp.Regexp {
		return regexp.MustCompile(`msg="slave connected" .*addr=` + regexp.QuoteMeta(ip) + `:\d+`)
	}
	parRE = regexp.MustCompile(`^\[1\] s\d+: 6$`)
)

// TestKubernetesServe runs deploy/kubernetes/serve: the slave
// Deployment's pods behind the headless Service, and the master pod that
// dials dns:dpfw-slaves:10000. Scaling is played as Kubernetes plays it:
// a new pod becomes ready and its address joins the Service's name; a
// removed pod's address leaves the name, then the pod gets SIGTERM.
func TestKubernetesServe(t *testing.T) {
	if !isolated(t, map[string]string{"/etc/resolv.conf": resolvConf}) {
		return
	}
	ms := loadManifests(t, "kubernetes/serve")
	dnsSrv := startDNS(t)
	svc := ms.services[0]
	name := fqdn(svc.Name)
	dnsSrv.set(name)
	k := newKube(t)
	slaveSpec := &ms.deployments[0].Spec.Template.Spec
	port := containerPort(t, slaveSpec)

	// The Deployment's replicas; each is put in the Service once its
	// readiness probe passes.
	var ready []string
	pods := map[string]*proc{}
	startPod := func(ip string, addToService bool) {
		p, _ := k.run("slave pod "+ip, slaveSpec, ip)
		p.waitLine(t, servingRE, time.Minute)
		probe(t, fmt.Sprintf("%s:%d", ip, port))
		pods[ip] = p
		if addToService {
			ready = append(ready, ip)
			dnsSrv.set(name, ready...)
		}
	}
	var ips []string
	for i := range int(*ms.deployments[0].Spec.Replicas) {
		ips = append(ips, fmt.Sprintf("127.0.0.%d", 2+i))
		startPod(ips[i], true)
	}

	master, stdin := k.run("master pod", &ms.pods[0].Spec, "127.0.0.100")
	var joined []*regexp.Regexp
	for _, ip := range ips {
		joined = append(joined, joinedRE(ip))
	}
	master.waitLines(t, time.Minute, joined...)
	fmt.Fprintln(stdin, ":par 2 + 2 ;; 3 + 3")
	master.waitLine(t, parRE, time.Minute)

	// Scale up: a new pod, ready, joins the name; the master dials it.
	startPod("127.0.0.9", true)
	master.waitLine(t, joinedRE("127.0.0.9"), time.Minute)

	// Scale down: the first pod's address leaves the name, then the pod
	// stops. Once the master has resolved the name again, a slave at that
	// address is no longer its business.
	gone := ips[0]
	ready = slices.DeleteFunc(ready, func(ip string) bool { return ip == gone })
	dnsSrv.set(name, ready...)
	dnsSrv.drain()
	dnsSrv.waitQueries(t, name, 2)
	pods[gone].stop(t)
	master.waitLine(t, regexp.MustCompile(`msg="slave disconnected" addr=`+regexp.QuoteMeta(gone)), time.Minute)
	startPod(gone, false) // e.g. a new pod given that IP, not ready yet
	dnsSrv.drain()
	dnsSrv.waitQueries(t, name, 2)
	if n := len(joinedRE(gone).FindAllString(master.printed(), -1)); n != 1 {
		t.Errorf("the master dialed %s %d times; after it left the name it must not be dialed again", gone, n)
	}
	fmt.Fprintln(stdin, ":par 2 + 2 ;; 3 + 3")
	master.waitLine(t, parRE, time.Minute)
	stdin.Close()
	<-master.done
	if st := master.cmd.ProcessState; !st.Success() {
		t.Errorf("master pod: %v", st)
	}
	k.checkNoLeak()
	k.checkQuietProbes()
}

// TestKubernetesConnect runs deploy/kubernetes/connect: the master pod
// listens behind the Service dpfw-master, and the slave Deployment's pods
// connect to that name.
func TestKubernetesConnect(t *testing.T) {
	if !isolated(t, map[string]string{"/etc/resolv.conf": resolvConf}) {
		return
	}
	ms := loadManifests(t, "kubernetes/connect")
	dnsSrv := startDNS(t)
	k := newKube(t)
	const masterIP = "127.0.0.50"
	var masterPod *corev1.Pod
	for _, p := range ms.pods {
		masterPod = p
	}
	master, stdin := k.run("master pod", &masterPod.Spec, masterIP)
	master.waitLine(t, regexp.MustCompile(`listening on `+regexp.QuoteMeta(masterIP)), time.Minute)
	probe(t, fmt.Sprintf("%s:%d", masterIP, containerPort(t, &masterPod.Spec)))
	dnsSrv.set(fqdn(ms.services[0].Name), masterIP) // the Service's address

	spec := &ms.deployments[0].Spec.Template.Spec
	var ips []string
	for i := range int(*ms.deployments[0].Spec.Replicas) {
		ip := fmt.Sprintf("127.0.0.%d", 2+i)
		ips = append(ips, ip)
		k.run("slave pod "+ip, spec, ip)
	}
	// The slaves dial from 127.0.0.1 here (one network namespace).
	for range ips {
		master.waitLine(t, regexp.MustCompile(`msg="slave connected"`), time.Minute)
	}
	fmt.Fprintln(stdin, ":par 2 + 2 ;; 3 + 3")
	master.waitLine(t, parRE, time.Minute)
	stdin.Close()
	<-master.done
	k.checkNoLeak()
	k.checkQuietProbes()
}

// TestReadmeMatchesManifests: the README's Kubernetes commands create
// the Secret the manifests read, and replace the image they name.
func TestReadmeMatchesManifests(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, want := range []string{
		"create secret generic " + secretName + " --from-literal=" + secretKey + "=",
		"s|image: " + imageName + "|",
		"kubectl -n dpfw apply -f deploy/kubernetes/serve/",
		"sbatch -N 4 deploy/slurm/dpfw.sbatch",
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks %q", want)
		}
	}
}
