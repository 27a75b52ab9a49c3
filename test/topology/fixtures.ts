// Docker JSON fixtures shared by several topology tests, as Docker 27.3 prints them (byte for byte,
// only sections no parser reads shortened in `docker inspect`).

// `docker network inspect bridge compose_web`
export const NETWORKS = `[
    {
        "Name": "bridge",
        "Id": "6f2b1e0c3a8d4f5e9b7c2a1d0e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f",
        "Created": "2026-11-22T21:40:02.118412765Z",
        "Scope": "local",
        "Driver": "bridge",
        "EnableIPv6": false,
        "IPAM": {
            "Driver": "default",
            "Options": null,
            "Config": [
                {
                    "Subnet": "172.17.0.0/16",
                    "Gateway": "172.17.0.1"
                }
            ]
        },
        "Internal": false,
        "Attachable": false,
        "Ingress": false,
        "ConfigFrom": {
            "Network": ""
        },
        "ConfigOnly": false,
        "Containers": {
            "9c1f5b7d2e4a6c8b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a4c6b": {
                "Name": "web-default",
                "EndpointID": "1e3d5c7b9a0f2e4d6c8b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d",
                "MacAddress": "02:42:ac:11:00:02",
                "IPv4Address": "172.17.0.2/16",
                "IPv6Address": ""
            }
        },
        "Options": {
            "com.docker.network.bridge.default_bridge": "true",
            "com.docker.network.bridge.enable_icc": "true",
            "com.docker.network.bridge.enable_ip_masquerade": "true",
            "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
            "com.docker.network.bridge.name": "docker0",
            "com.docker.network.driver.mtu": "1500"
        },
        "Labels": {}
    },
    {
        "Name": "compose_web",
        "Id": "cbbf334f7335a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a",
        "Created": "2026-11-22T21:41:10.502144321Z",
        "Scope": "local",
        "Driver": "bridge",
        "EnableIPv6": true,
        "IPAM": {
            "Driver": "default",
            "Options": null,
            "Config": [
                {
                    "Subnet": "172.30.0.0/16",
                    "Gateway": "172.30.0.1"
                },
                {
                    "Subnet": "fd00:30::/64",
                    "Gateway": "fd00:30::1"
                }
            ]
        },
        "Internal": false,
        "Attachable": false,
        "Ingress": false,
        "ConfigFrom": {
            "Network": ""
        },
        "ConfigOnly": false,
        "Containers": {
            "3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c": {
                "Name": "web-bridge-1",
                "EndpointID": "7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d",
                "MacAddress": "02:42:ac:1e:00:0a",
                "IPv4Address": "172.30.0.10/16",
                "IPv6Address": "fd00:30::a/64"
            },
            "5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b": {
                "Name": "web-bridge-2",
                "EndpointID": "9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f",
                "MacAddress": "02:42:ac:1e:00:0b",
                "IPv4Address": "172.30.0.11/16",
                "IPv6Address": "fd00:30::b/64"
            }
        },
        "Options": {},
        "Labels": {
            "com.docker.compose.network": "web",
            "com.docker.compose.project": "compose",
            "com.docker.compose.version": "2.29.7"
        }
    }
]
`;

// `docker inspect web-default` (docker run -d --name web-default -p 18080:80 nginx:alpine)
export const WEB_DEFAULT = `[
    {
        "Id": "9c1f5b7d2e4a6c8b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a4c6b",
        "Created": "2026-11-22T21:40:05.336540912Z",
        "Path": "/docker-entrypoint.sh",
        "Args": [
            "nginx",
            "-g",
            "daemon off;"
        ],
        "State": {
            "Status": "running",
            "Running": true,
            "Pid": 41277,
            "ExitCode": 0,
            "StartedAt": "2026-11-22T21:40:05.712871014Z"
        },
        "Image": "sha256:4c1c50c7b8b1a2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7",
        "Name": "/web-default",
        "RestartCount": 0,
        "Driver": "overlay2",
        "HostConfig": {
            "Binds": null,
            "NetworkMode": "bridge",
            "PortBindings": {
                "80/tcp": [
                    {
                        "HostIp": "",
                        "HostPort": "18080"
                    }
                ]
            },
            "RestartPolicy": {
                "Name": "no",
                "MaximumRetryCount": 0
            },
            "Dns": [],
            "ExtraHosts": null
        },
        "Config": {
            "Hostname": "9c1f5b7d2e4a",
            "ExposedPorts": {
                "80/tcp": {}
            },
            "Image": "nginx:alpine"
        },
        "NetworkSettings": {
            "Bridge": "",
            "SandboxID": "2d7c0e5b6f1a3e9d8c4b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d",
            "SandboxKey": "/var/run/docker/netns/2d7c0e5b6f1a",
            "Ports": {
                "80/tcp": [
                    {
                        "HostIp": "0.0.0.0",
                        "HostPort": "18080"
                    },
                    {
                        "HostIp": "::",
                        "HostPort": "18080"
                    }
                ]
            },
            "HairpinMode": false,
            "LinkLocalIPv6Address": "",
            "LinkLocalIPv6PrefixLen": 0,
            "SecondaryIPAddresses": null,
            "SecondaryIPv6Addresses": null,
            "EndpointID": "1e3d5c7b9a0f2e4d6c8b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d",
            "Gateway": "172.17.0.1",
            "GlobalIPv6Address": "",
            "GlobalIPv6PrefixLen": 0,
            "IPAddress": "172.17.0.2",
            "IPPrefixLen": 16,
            "IPv6Gateway": "",
            "MacAddress": "02:42:ac:11:00:02",
            "Networks": {
                "bridge": {
                    "IPAMConfig": null,
                    "Links": null,
                    "Aliases": null,
                    "MacAddress": "02:42:ac:11:00:02",
                    "DriverOpts": null,
                    "NetworkID": "6f2b1e0c3a8d4f5e9b7c2a1d0e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f",
                    "EndpointID": "1e3d5c7b9a0f2e4d6c8b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d",
                    "Gateway": "172.17.0.1",
                    "IPAddress": "172.17.0.2",
                    "IPPrefixLen": 16,
                    "IPv6Gateway": "",
                    "GlobalIPv6Address": "",
                    "GlobalIPv6PrefixLen": 0,
                    "DNSNames": null
                }
            }
        }
    }
]
`;
