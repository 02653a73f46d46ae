using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Mesh.Kubernetes.Reading;
using YamlDotNet.Core;

namespace Mesh.Kubernetes.Client.Configuration;

/// <summary>
/// Reads a kubeconfig file (its current context or a named one) or the in-cluster service-account setup into a
/// <see cref="KubeConfig"/>. Relative paths in a kubeconfig are relative to its directory. Every error names
/// the file and the field.
/// </summary>
public static class KubeConfigLoader
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";
    public const string InClusterSource = "in-cluster";

    /// <summary>Loads <paramref name="path"/>; <paramref name="context"/> null means its current-context.</summary>
    public static KubeConfig LoadFile(string path, string? context = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        return Parse(ReadText(full, full, string.Empty), full, context);
    }

    /// <summary>Parses kubeconfig YAML; <paramref name="path"/> names it in errors and anchors relative paths.</summary>
    public static KubeConfig Parse(string yaml, string path, string? context = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory();
        JsonElement root;
        try
        {
            var documents = YamlDocuments.Parse(yaml);
            root = documents.Count > 0 ? documents[0] : throw new KubeConfigException(path, string.Empty, "empty document");
        }
        catch (YamlException e)
        {
            throw new KubeConfigException(path, string.Empty, $"not valid YAML (line {e.Start.Line}): {e.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new KubeConfigException(path, string.Empty, "not a mapping");
        }

        var contextName = context ?? OptionalString(root, "current-context", path, "current-context");
        if (string.IsNullOrEmpty(contextName))
        {
            throw new KubeConfigException(path, "current-context", "missing (and no context was named)");
        }
        var contextEntry = Named(root, "contexts", "context", contextName, path);
        var contextField = $"contexts[name={contextName}].context";
        var clusterName = RequiredString(contextEntry, "cluster", path, contextField);
        var userName = OptionalString(contextEntry, "user", path, contextField);
        var ns = OptionalString(contextEntry, "namespace", path, contextField);

        var cluster = Named(root, "clusters", "cluster", clusterName, path);
        var clusterField = $"clusters[name={clusterName}].cluster";
        var serverText = RequiredString(cluster, "server", path, clusterField);
        if (!Uri.TryCreate(serverText, UriKind.Absolute, out var server) || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp))
        {
            throw new KubeConfigException(path, $"{clusterField}.server", $"'{serverText}' is not an http(s) URL");
        }
        var insecure = OptionalBool(cluster, "insecure-skip-tls-verify", path, clusterField);
        var ca = DataOrFile(cluster, "certificate-authority-data", "certificate-authority", path, clusterField, baseDirectory);
        if (ca is not null)
        {
            ValidateCa(ca.Value.Pem, path, ca.Value.Field);
        }

        string? certificatePem = null;
        string? keyPem = null;
        string? token = null;
        string? tokenFile = null;
        if (!string.IsNullOrEmpty(userName))
        {
            var user = Named(root, "users", "user", userName, path);
            var userField = $"users[name={userName}].user";
            var certificate = DataOrFile(user, "client-certificate-data", "client-certificate", path, userField, baseDirectory);
            var key = DataOrFile(user, "client-key-data", "client-key", path, userField, baseDirectory);
            if (certificate is null != key is null)
            {
                throw new KubeConfigException(path, certificate is null ? $"{userField}.client-certificate" : $"{userField}.client-key",
                    "missing (a client certificate needs both certificate and key)");
            }
            if (certificate is { } c && key is { } k)
            {
                ValidateClientCertificate(c.Pem, k.Pem, path, c.Field, k.Field);
                certificatePem = c.Pem;
                keyPem = k.Pem;
            }
            token = OptionalString(user, "token", path, userField);
            var tokenFileText = OptionalString(user, "tokenFile", path, userField);
            if (!string.IsNullOrEmpty(tokenFileText))
            {
                tokenFile = Path.GetFullPath(tokenFileText, baseDirectory);
                ReadText(tokenFile, path, $"{userField}.tokenFile");
            }
        }

        return new KubeConfig
        {
            Server = server,
            CertificateAuthorityPem = ca?.Pem,
            InsecureSkipTlsVerify = insecure,
            ClientCertificatePem = certificatePem,
            ClientKeyPem = keyPem,
            Token = string.IsNullOrEmpty(token) ? null : token,
            TokenFile = tokenFile,
            Namespace = string.IsNullOrEmpty(ns) ? "default" : ns,
            Source = path,
        };
    }

    /// <summary>
    /// What kubectl would use: <paramref name="path"/> when given, else the first file of <c>KUBECONFIG</c>, else
    /// <c>~/.kube/config</c> when it exists, else the in-cluster service account.
    /// </summary>
    public static KubeConfig LoadDefault(string? path = null, string? context = null) =>
        LoadDefault(path, context, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ServiceAccountDirectory);

    /// <summary>As <see cref="LoadDefault(string?, string?)"/>, with the environment, home and mount directory given.</summary>
    public static KubeConfig LoadDefault(string? path, string? context, Func<string, string?> environment, string home, string serviceAccountDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(path))
        {
            return LoadFile(path, context);
        }
        var fromEnvironment = environment("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fromEnvironment is { Length: > 0 })
        {
            return LoadFile(fromEnvironment[0], context);
        }
        var inHome = string.IsNullOrEmpty(home) ? string.Empty : Path.Combine(home, ".kube", "config");
        if (inHome.Length > 0 && File.Exists(inHome))
        {
            return LoadFile(inHome, context);
        }
        return LoadInCluster(environment, serviceAccountDirectory);
    }

    /// <summary>The pod's service account: KUBERNETES_SERVICE_HOST/PORT and the mounted token, CA and namespace.</summary>
    public static KubeConfig LoadInCluster() => LoadInCluster(Environment.GetEnvironmentVariable, ServiceAccountDirectory);

    /// <summary>As <see cref="LoadInCluster()"/>, with the environment and the mount directory given.</summary>
    public static KubeConfig LoadInCluster(Func<string, string?> environment, string serviceAccountDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrEmpty(serviceAccountDirectory);
        var host = environment("KUBERNETES_SERVICE_HOST");
        var port = environment("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host))
        {
            throw new KubeConfigException(InClusterSource, "KUBERNETES_SERVICE_HOST", "not set (not running in a pod?)");
        }
        if (string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException(InClusterSource, "KUBERNETES_SERVICE_PORT", "not set (not running in a pod?)");
        }
        if (!ushort.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber) || portNumber == 0)
        {
            throw new KubeConfigException(InClusterSource, "KUBERNETES_SERVICE_PORT", $"'{port}' is not a port");
        }
        var hostPart = System.Net.IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]" : host;
        if (!Uri.TryCreate($"https://{hostPart}:{portNumber.ToString(CultureInfo.InvariantCulture)}", UriKind.Absolute, out var server))
        {
            throw new KubeConfigException(InClusterSource, "KUBERNETES_SERVICE_HOST", $"'{host}' is not a host");
        }

        var tokenPath = Path.Combine(serviceAccountDirectory, "token");
        if (ReadText(tokenPath, tokenPath, string.Empty).Trim().Length == 0)
        {
            throw new KubeConfigException(tokenPath, string.Empty, "empty token");
        }
        var caPath = Path.Combine(serviceAccountDirectory, "ca.crt");
        var ca = ReadText(caPath, caPath, string.Empty);
        ValidateCa(ca, caPath, string.Empty);
        var namespacePath = Path.Combine(serviceAccountDirectory, "namespace");
        var ns = File.Exists(namespacePath) ? ReadText(namespacePath, namespacePath, string.Empty).Trim() : string.Empty;
        return new KubeConfig
        {
            Server = server,
            CertificateAuthorityPem = ca,
            TokenFile = tokenPath,
            Namespace = ns.Length == 0 ? "default" : ns,
            Source = InClusterSource,
        };
    }

    private static string ReadText(string path, string source, string field)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException(source, field, $"cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>The <c>inner</c> mapping of the entry called <paramref name="name"/> in the list <paramref name="list"/>.</summary>
    private static JsonElement Named(JsonElement root, string list, string inner, string name, string path)
    {
        if (!root.TryGetProperty(list, out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new KubeConfigException(path, list, "missing");
        }
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() == name)
            {
                return item.TryGetProperty(inner, out var value) && value.ValueKind == JsonValueKind.Object
                    ? value
                    : throw new KubeConfigException(path, $"{list}[name={name}].{inner}", "missing");
            }
        }
        throw new KubeConfigException(path, $"{list}[name={name}]", "no such entry");
    }

    private static string? OptionalString(JsonElement o, string name, string path, string parent)
    {
        if (!o.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw new KubeConfigException(path, Join(parent, name), "not a string"),
        };
    }

    private static string RequiredString(JsonElement o, string name, string path, string parent) =>
        OptionalString(o, name, path, parent) is { Length: > 0 } value ? value : throw new KubeConfigException(path, Join(parent, name), "missing");

    private static bool OptionalBool(JsonElement o, string name, string path, string parent)
    {
        if (!o.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new KubeConfigException(path, Join(parent, name), "not a boolean"),
        };
    }

    /// <summary>A PEM given inline (base64 in <paramref name="dataField"/>) or by path (<paramref name="fileField"/>).</summary>
    private static (string Pem, string Field)? DataOrFile(JsonElement o, string dataField, string fileField, string path, string parent, string baseDirectory)
    {
        var data = OptionalString(o, dataField, path, parent);
        if (!string.IsNullOrEmpty(data))
        {
            try
            {
                return (Encoding.UTF8.GetString(Convert.FromBase64String(data)), Join(parent, dataField));
            }
            catch (FormatException)
            {
                throw new KubeConfigException(path, Join(parent, dataField), "not valid base64");
            }
        }
        var file = OptionalString(o, fileField, path, parent);
        if (!string.IsNullOrEmpty(file))
        {
            var full = Path.GetFullPath(file, baseDirectory);
            return (ReadText(full, path, Join(parent, fileField)), Join(parent, fileField));
        }
        return null;
    }

    private static void ValidateCa(string pem, string path, string field)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new KubeConfigException(path, field, $"not a PEM certificate: {e.Message}");
        }
        finally
        {
            foreach (var certificate in certificates)
            {
                certificate.Dispose();
            }
        }
        if (certificates.Count == 0)
        {
            throw new KubeConfigException(path, field, "no PEM certificate found");
        }
    }

    private static void ValidateClientCertificate(string certificatePem, string keyPem, string path, string certificateField, string keyField)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (CryptographicException e)
        {
            throw new KubeConfigException(path, $"{certificateField} / {keyField}", $"not a matching PEM certificate and key: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw new KubeConfigException(path, $"{certificateField} / {keyField}", $"not a matching PEM certificate and key: {e.Message}");
        }
    }

    private static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";
}
