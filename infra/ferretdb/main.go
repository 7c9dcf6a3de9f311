// Command ferretdb-sqlite runs FerretDB 1.24 (embedded) on its SQLite backend, listening on loopback,
// for integration tests and CI. It prints the MongoDB URI on stdout once the listener is ready.
//
// Usage: ferretdb-sqlite -addr 127.0.0.1:27017 -data ./data
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:27017", "TCP listen address (loopback)")
	data := flag.String("data", "./data", "existing or new directory for the SQLite databases")
	flag.Parse()

	dir, err := filepath.Abs(*data)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Fatal(err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Run(ctx); err != nil && ctx.Err() == nil {
			log.Print(err)
		}
	}()

	// Run starts listening asynchronously: report readiness only once the port accepts connections.
	for i := 0; ; i++ {
		conn, err := net.DialTimeout("tcp", *addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			break
		}
		select {
		case <-done:
			log.Fatal("ferretdb stopped before listening")
		case <-time.After(100 * time.Millisecond):
		}
		if i > 300 {
			log.Fatalf("ferretdb did not listen on %s", *addr)
		}
	}
	fmt.Println(f.MongoDBURI())

	<-done
}
