package io.github.twpool.benchmarks.stub;

// Generated from java.sql.PreparedStatement: every call is a no-op returning a default, like HikariCP-benchmark's stub driver.
@SuppressWarnings({"unchecked", "deprecation"})
public class StubPreparedStatement extends StubStatement implements java.sql.PreparedStatement {

    @Override
    public java.sql.ResultSet executeQuery() throws java.sql.SQLException {
        return new StubResultSet();
    }

    @Override
    public int executeUpdate() throws java.sql.SQLException {
        return 0;
    }

    @Override
    public void setNull(int a0, int a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setBoolean(int a0, boolean a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setByte(int a0, byte a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setShort(int a0, short a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setInt(int a0, int a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setLong(int a0, long a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setFloat(int a0, float a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setDouble(int a0, double a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setBigDecimal(int a0, java.math.BigDecimal a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setString(int a0, java.lang.String a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setBytes(int a0, byte[] a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setDate(int a0, java.sql.Date a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setTime(int a0, java.sql.Time a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setTimestamp(int a0, java.sql.Timestamp a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setAsciiStream(int a0, java.io.InputStream a1, int a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setUnicodeStream(int a0, java.io.InputStream a1, int a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setBinaryStream(int a0, java.io.InputStream a1, int a2) throws java.sql.SQLException {
        
    }

    @Override
    public void clearParameters() throws java.sql.SQLException {
        
    }

    @Override
    public void setObject(int a0, java.lang.Object a1, int a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setObject(int a0, java.lang.Object a1) throws java.sql.SQLException {
        
    }

    @Override
    public boolean execute() throws java.sql.SQLException {
        return false;
    }

    @Override
    public void addBatch() throws java.sql.SQLException {
        
    }

    @Override
    public void setCharacterStream(int a0, java.io.Reader a1, int a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setRef(int a0, java.sql.Ref a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setBlob(int a0, java.sql.Blob a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setClob(int a0, java.sql.Clob a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setArray(int a0, java.sql.Array a1) throws java.sql.SQLException {
        
    }

    @Override
    public java.sql.ResultSetMetaData getMetaData() throws java.sql.SQLException {
        return null;
    }

    @Override
    public void setDate(int a0, java.sql.Date a1, java.util.Calendar a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setTime(int a0, java.sql.Time a1, java.util.Calendar a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setTimestamp(int a0, java.sql.Timestamp a1, java.util.Calendar a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setNull(int a0, int a1, java.lang.String a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setURL(int a0, java.net.URL a1) throws java.sql.SQLException {
        
    }

    @Override
    public java.sql.ParameterMetaData getParameterMetaData() throws java.sql.SQLException {
        return null;
    }

    @Override
    public void setRowId(int a0, java.sql.RowId a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setNString(int a0, java.lang.String a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setNCharacterStream(int a0, java.io.Reader a1, long a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setNClob(int a0, java.sql.NClob a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setClob(int a0, java.io.Reader a1, long a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setBlob(int a0, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setNClob(int a0, java.io.Reader a1, long a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setSQLXML(int a0, java.sql.SQLXML a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setObject(int a0, java.lang.Object a1, int a2, int a3) throws java.sql.SQLException {
        
    }

    @Override
    public void setAsciiStream(int a0, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setBinaryStream(int a0, java.io.InputStream a1, long a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setCharacterStream(int a0, java.io.Reader a1, long a2) throws java.sql.SQLException {
        
    }

    @Override
    public void setAsciiStream(int a0, java.io.InputStream a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setBinaryStream(int a0, java.io.InputStream a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setCharacterStream(int a0, java.io.Reader a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setNCharacterStream(int a0, java.io.Reader a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setClob(int a0, java.io.Reader a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setBlob(int a0, java.io.InputStream a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setNClob(int a0, java.io.Reader a1) throws java.sql.SQLException {
        
    }

    @Override
    public void setObject(int a0, java.lang.Object a1, java.sql.SQLType a2, int a3) throws java.sql.SQLException {
        
    }

    @Override
    public void setObject(int a0, java.lang.Object a1, java.sql.SQLType a2) throws java.sql.SQLException {
        
    }

    @Override
    public long executeLargeUpdate() throws java.sql.SQLException {
        return 0;
    }
}
