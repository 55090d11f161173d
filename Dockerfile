# The regionmove executable: worker, sandbox regions and CLI in one image.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY workflows/pom.xml workflows/
COPY region-api/pom.xml region-api/
COPY activities/pom.xml activities/
COPY sandbox/pom.xml sandbox/
COPY worker/pom.xml worker/
COPY client/pom.xml client/
RUN mvn -B -q -ntp dependency:go-offline || true
COPY . .
RUN mvn -B -q -ntp -DskipTests install

# Ubuntu noble: its postgresql-client (16) can dump the regions' PostgreSQL 16.
FROM eclipse-temurin:17-jre-noble
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home regionmove
WORKDIR /home/regionmove
COPY --from=build /src/client/target/regionmove.jar /opt/regionmove/regionmove.jar
USER regionmove
ENV REGIONMOVE_BACKUP_DIR=/home/regionmove/backups
ENTRYPOINT ["java", "-jar", "/opt/regionmove/regionmove.jar"]
CMD ["--help"]
