// Shared test support: free TCP ports for servers, silos and PostgreSQL a test starts.
// Other test projects include this file as-is (PostgresTestDatabase.cs uses it):
//   <Compile Include="..\MarketDelivery.Persistence.Tests\Support\TestPorts.cs" Link="Support\TestPorts.cs" />
// Depends on the BCL only.
using System.Net;
using System.Net.Sockets;

namespace MarketDelivery.Testing;

public static class TestPorts
{
    /// <summary>
    /// Distinct free ports: every listener stays open until all are taken, so one call never hands out a port twice
    /// (one at a time, the kernel may give the same port again, and a server then collides with its own silo). Take
    /// all the ports one server needs from one call.
    /// </summary>
    public static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
