// Inflate every .gz chunk in a directory with zlib, libdeflate and ISA-L (CPU time): whole chunks, or up to a
// prefix (the bytes of planes 0…z). For bench/slice/FINDINGS.md. Build and run:
//   gcc -O2 -o /tmp/inflate_bench bench/slice/inflate_bench.c -lz -ldeflate -lisal
//   /tmp/inflate_bench /tmp/bench-slice-em/raw_gzip/8_8_40 $((33 * 4096))
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <time.h>
#include <zlib.h>
#include <libdeflate.h>
#include <isa-l/igzip_lib.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_PROCESS_CPUTIME_ID,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  const char*dir=argv[1]; size_t prefix=argc>2?atol(argv[2]):0;
  DIR*d=opendir(dir); struct dirent*e; int n=0; unsigned char*in[4096]; size_t len[4096];
  while((e=readdir(d))&&n<4096){ if(!strstr(e->d_name,".gz"))continue; char p[4096]; snprintf(p,sizeof p,"%s/%s",dir,e->d_name);
    FILE*f=fopen(p,"rb"); fseek(f,0,SEEK_END); len[n]=ftell(f); rewind(f); in[n]=malloc(len[n]); fread(in[n],1,len[n],f); fclose(f); n++; }
  size_t outcap=64*64*64; unsigned char*out=malloc(outcap); size_t want=prefix?prefix:outcap; size_t total_in=0; for(int i=0;i<n;i++)total_in+=len[i];
  for(int rep=0;rep<2;rep++){
  double t=now();
  for(int i=0;i<n;i++){ z_stream s; memset(&s,0,sizeof s); inflateInit2(&s,31); s.next_in=in[i]; s.avail_in=len[i]; s.next_out=out; s.avail_out=want; int r=inflate(&s,Z_NO_FLUSH); if(r<0){printf("zlib err %d\n",r);} inflateEnd(&s);}
  double tz=now()-t; t=now();
  struct libdeflate_decompressor*dd=libdeflate_alloc_decompressor();
  for(int i=0;i<n;i++){ size_t got; int r=libdeflate_gzip_decompress(dd,in[i],len[i],out,outcap,&got); if(r)printf("deflate err %d\n",r);}
  double td=now()-t; t=now();
  struct inflate_state*st=malloc(sizeof *st);
  for(int i=0;i<n;i++){ isal_inflate_init(st); st->crc_flag=ISAL_GZIP; st->next_in=in[i]; st->avail_in=len[i]; st->next_out=out; st->avail_out=want; int r=isal_inflate(st); if(r<0)printf("isal err %d\n",r);}
  double ti=now()-t;
  printf("%d chunks, %.1f MiB in, %.1f MiB out (prefix %zu): zlib %.1f ms (%.0f MB/s out), libdeflate whole %.1f ms (%.0f MB/s), isal %.1f ms (%.0f MB/s)\n",
    n,total_in/1048576.0,n*(double)want/1048576.0,prefix,tz*1e3,n*want/tz/1e6,td*1e3,n*outcap/td/1e6,ti*1e3,n*want/ti/1e6);
  }
}
