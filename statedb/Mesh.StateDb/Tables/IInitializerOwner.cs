namespace Mesh.StateDb.Tables;

/// <summary>The table an initializer reports to, without the row types.</summary>
internal interface IInitializerOwner
{
    void Complete(TableInitializer initializer);
}
