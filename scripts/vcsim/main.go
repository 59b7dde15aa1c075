// Command vicsim-vcsim runs govmomi's vCenter simulator (simulator.VPX) as the live peer of vicsim's
// vSphere backend tests. It listens on loopback only, prints the SDK URL (with the default
// user:pass credentials) on one line of stdout once it serves requests, and exits cleanly on SIGTERM
// or SIGINT, removing the temporary datastore directories it created (they live under TMPDIR).
//
// Inventory counts mirror vcsim's own flags: -dc datacenters; per datacenter -cluster clusters and
// -standalone-host standalone hosts; per cluster -host hosts, -vm VMs (in the cluster's root pool) and
// -pool child resource pools; -ds datastores mounted on every host. Login accepts only -username and
// -password (default user/pass); -tls serves https with govmomi's self-signed localhost certificate.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmware/govmomi/simulator"
	_ "github.com/vmware/govmomi/vapi/simulator" // registers /rest endpoints when -rest is set
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to listen on (port 0 = pick a free one)")
	datacenters := flag.Int("dc", 1, "number of datacenters")
	clusters := flag.Int("cluster", 1, "clusters per datacenter")
	clusterHosts := flag.Int("host", 3, "hosts per cluster")
	standaloneHosts := flag.Int("standalone-host", 0, "standalone hosts per datacenter (each also gets -vm VMs)")
	machines := flag.Int("vm", 2, "VMs per cluster, in the cluster's root resource pool")
	pools := flag.Int("pool", 0, "child resource pools per cluster")
	datastores := flag.Int("ds", 1, "local datastores, mounted on every host")
	autostart := flag.Bool("autostart", true, "power on the VMs the model creates")
	rest := flag.Bool("rest", false, "also serve the vSphere Automation /rest endpoints")
	username := flag.String("username", "user", "the only user name Login accepts")
	password := flag.String("password", "pass", "the only password Login accepts")
	useTLS := flag.Bool("tls", false, "serve https with govmomi's self-signed localhost certificate")
	trace := flag.Bool("trace", false, "write SOAP requests and responses to stderr")
	flag.Parse()

	if err := checkLoopback(*listen); err != nil {
		fail(err)
	}

	model := simulator.VPX()
	model.Datacenter = *datacenters
	model.Cluster = *clusters
	model.ClusterHost = *clusterHosts
	model.Host = *standaloneHosts
	model.Machine = *machines
	model.Pool = *pools
	model.Datastore = *datastores
	model.Autostart = *autostart
	simulator.Trace = *trace

	if err := model.Create(); err != nil {
		fail(fmt.Errorf("creating the inventory: %w", err))
	}
	defer model.Remove()

	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*username, *password)}
	if *useTLS {
		model.Service.TLS = new(tls.Config)
	}
	model.Service.RegisterEndpoints = *rest
	server := model.Service.NewServer()
	defer server.Close()

	fmt.Println(server.URL.String())

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	<-signals
}

// checkLoopback refuses any listen address whose host is not a loopback IP: vcsim accepts any login.
func checkLoopback(address string) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("bad -listen %q: %w", address, err)
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-listen %q: only loopback IP addresses are allowed", address)
	}
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "vicsim-vcsim:", err)
	os.Exit(1)
}
