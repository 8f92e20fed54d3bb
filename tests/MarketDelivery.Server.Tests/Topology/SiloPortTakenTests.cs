using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MarketDelivery.Server.Tests.Support;
using MarketDelivery.Testing;

namespace MarketDelivery.Server.Tests.Topology;

/// <summary>
/// A server whose silo port is taken stops at once with a non-zero exit code and says why, rather than serving
/// without a silo; and a process that stops this way is diagnosed by the test harness from its output's tail.
/// </summary>
[Collection(ServerProcessesCollection.Name)]
public sealed class SiloPortTakenTests
{
    [Fact]
    public async Task A_server_whose_silo_port_is_taken_exits_naming_the_conflict()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await ServerProcess.Migrate(database.ConnectionString);
        var taken = new TcpListener(IPAddress.Loopback, TestPorts.FreePorts(1)[0]);
        taken.Start();
        try
        {
            var siloPort = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
            using var server = ServerProcess.Start("taken", database.ConnectionString, "silo-port-taken", "--Orleans:SiloPort", siloPort);
            var failure = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(server.WaitHealthy);

            Assert.True(server.HasExited);
            Assert.Contains("the server exited early", failure.Message);
            var diagnosis = server.Diagnosis();
            Assert.Matches("exited with code [1-9]", diagnosis);
            Assert.Contains("Address already in use", diagnosis);
            Assert.Contains("fail: ", diagnosis);
            var file = diagnosis.Split("whole output in ")[1].Split(';')[0];
            Assert.Equal(server.Output.Split('\n'), File.ReadAllLines(file));
        }
        finally
        {
            taken.Stop();
        }
    }
}
