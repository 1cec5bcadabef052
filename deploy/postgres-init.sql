-- Temporal keeps its state and visibility in their own databases on the same server.
CREATE DATABASE temporal;
CREATE DATABASE temporal_visibility;
